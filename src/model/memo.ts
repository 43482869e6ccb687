/**
 * `compute` memoised by the identity of its one argument: what every rule asks of a cluster (its object index,
 * dependsOn graph, references) or of a document value is computed once, whichever asks first, and shared.
 * `compute` must be a pure function of that object, which is not changed afterwards.
 *
 * The memo is a WeakMap so that the key's lifetime bounds the value's: a cluster's model is dropped once its
 * findings are taken (lint() with `model: false` holds one cluster's model at a time), and what was computed from
 * it goes with it: no cache to clear, none that grows over the clusters of a run or the runs of a long process.
 */
export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    const hit = memo.get(key);
    if (hit !== undefined || memo.has(key)) return hit as V;
    const value = compute(key);
    memo.set(key, value);
    return value;
  };
}
