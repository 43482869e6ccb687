/**
 * Kubernetes label selectors in their string form, as kustomize's patch and replacement targets take them
 * (`labelSelector`, `annotationSelector`): kustomize parses them with apimachinery's labels.Parse, so every form
 * it accepts works here: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */

type Requirement =
  | { key: string; op: 'exists' | 'not-exists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

/** A parsed selector, or the reason kustomize refuses it (the build then fails). */
export type LabelSelector = { requirements: Requirement[] } | { error: string };

const parsed = new Map<string, LabelSelector>();

/** Parses a selector once (targets are matched against every object of a build). */
export function parseLabelSelector(text: string): LabelSelector {
  let s = parsed.get(text);
  if (!s) {
    s = parse(text);
    if (parsed.size > 1000) parsed.clear();
    parsed.set(text, s);
  }
  return s;
}

/** Whether labels (or annotations) match a parsed selector; an empty selector matches everything. */
export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, unknown> | undefined): boolean {
  if ('error' in selector) return false;
  const get = (k: string): string | undefined => {
    if (!labels || !Object.prototype.hasOwnProperty.call(labels, k)) return undefined;
    const v = labels[k];
    return v == null ? '' : String(v);
  };
  return selector.requirements.every((r) => {
    const v = get(r.key);
    switch (r.op) {
      case 'exists':
        return v !== undefined;
      case 'not-exists':
        return v === undefined;
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        // apimachinery: a missing label is not in any set.
        return v === undefined || !r.values.includes(v);
      case 'gt':
      case 'lt': {
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        return r.op === 'gt' ? Number(v) > r.value : Number(v) < r.value;
      }
    }
  });
}

/**
 * apimachinery's grammar, tokenised the same way: identifiers run until whitespace or one of `,()=!<>`, and `in`,
 * `notin` are keywords only after a key.
 */
function parse(text: string): LabelSelector {
  const tokens: string[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push(two);
      i += 2;
    } else if ('(),=!<>'.includes(c)) {
      tokens.push(c);
      i++;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j]) && !'(),=!<>'.includes(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  const requirements: Requirement[] = [];
  let p = 0;
  const isWord = (t: string | undefined) => t !== undefined && !['(', ')', ',', '=', '==', '!=', '!', '<', '>'].includes(t);
  const fail = (why: string): LabelSelector => ({ error: `invalid selector '${text}': ${why}` });
  while (p < tokens.length) {
    if (tokens[p] === '!') {
      const key = tokens[p + 1];
      if (!isWord(key)) return fail('expected a key after !');
      requirements.push({ key, op: 'not-exists' });
      p += 2;
    } else {
      const key = tokens[p];
      if (!isWord(key)) return fail(`unexpected '${key}'`);
      const op = tokens[p + 1];
      if (op === undefined || op === ',') {
        requirements.push({ key, op: 'exists' });
        p += 1;
      } else if (op === '=' || op === '==' || op === '!=') {
        // A value may be empty (`a=`), which apimachinery accepts.
        const value = isWord(tokens[p + 2]) ? tokens[p + 2] : '';
        requirements.push({ key, op: op === '!=' ? 'notin' : 'in', values: [value] });
        p += value === '' ? 2 : 3;
      } else if (op === 'in' || op === 'notin') {
        if (tokens[p + 2] !== '(') return fail(`expected ( after ${op}`);
        const values: string[] = [];
        let q = p + 3;
        while (tokens[q] !== ')') {
          if (q >= tokens.length) return fail('unclosed (');
          if (tokens[q] === ',') {
            // `in (a,,b)` and `in (,a)` hold an empty value, as apimachinery reads them.
            if (tokens[q - 1] === ',' || tokens[q - 1] === '(') values.push('');
            q++;
            continue;
          }
          values.push(tokens[q]);
          q++;
        }
        if (tokens[q - 1] === ',') values.push('');
        if (values.length === 0) return fail(`${op} needs at least one value`);
        requirements.push({ key, op, values });
        p = q + 1;
      } else if (op === '<' || op === '>') {
        const n = tokens[p + 2];
        if (n === undefined || !/^-?\d+$/.test(n)) return fail(`expected an integer after ${op}`);
        requirements.push({ key, op: op === '>' ? 'gt' : 'lt', value: Number(n) });
        p += 3;
      } else return fail(`unexpected '${op}' after '${key}'`);
    }
    if (p < tokens.length) {
      if (tokens[p] !== ',') return fail(`expected , before '${tokens[p]}'`);
      p++;
      if (p >= tokens.length) return fail('trailing ,');
    }
  }
  return { requirements };
}
