import { describe, expect, it } from 'vitest';
import { memoByObject } from '../../src/model/memo.js';

describe('memoByObject', () => {
  it('computes once per object, whichever caller asks first, and keeps objects apart', () => {
    const seen: object[] = [];
    const size = memoByObject((o: { items: number[] }) => {
      seen.push(o);
      return { n: o.items.length };
    });
    const a = { items: [1, 2] };
    const b = { items: [1, 2] };
    const first = size(a);
    expect(size(a)).toBe(first);
    expect(size(b)).not.toBe(first);
    expect(size(b)).toEqual(first);
    expect(seen).toEqual([a, b]);
  });

  it('remembers a computed undefined too', () => {
    let calls = 0;
    const nothing = memoByObject((_: object): undefined => {
      calls++;
      return undefined;
    });
    const k = {};
    expect(nothing(k)).toBeUndefined();
    expect(nothing(k)).toBeUndefined();
    expect(calls).toBe(1);
  });
});
