import crypto from 'node:crypto';
import { isObject, type JsonObject } from '../model/objects.js';

/**
 * The suffix kustomize appends to a generated ConfigMap's or Secret's name (api/hasher/hasher.go): the first ten
 * hex digits of the SHA-256 of a JSON encoding of the object, with 0, 1, 3, a and e replaced by g, h, k, m and t.
 *
 * The encoding is Go's encoding/json of a map (keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped) of the
 * kind, the data (and binaryData when it is a map) of a ConfigMap, and the type, data (and stringData when it is
 * a map) of a Secret. Its `name` is always "": kustomize looks the name up as one field named "metadata/name",
 * which never exists (checked against kubectl kustomize v5.5), so a prefix does not change the hash.
 *
 * `secretData` carries a generated Secret's real base64 values, which the model never holds (it keeps only keys).
 */
export function nameHash(value: JsonObject, secretData?: Record<string, string>): string {
  const kind = value.kind;
  const field = (key: string): unknown => {
    const v = value[key];
    if (v === undefined || v === null) return '';
    return v;
  };
  let encoded: string;
  if (kind === 'Secret') {
    const m: Record<string, unknown> = { kind: 'Secret', type: typeof value.type === 'string' ? value.type : '', name: '', data: secretData ?? field('data') };
    if (isObject(value.stringData)) m.stringData = value.stringData;
    encoded = goJson(m);
  } else {
    const m: Record<string, unknown> = { kind: 'ConfigMap', name: '', data: field('data') };
    if (isObject(value.binaryData)) m.binaryData = value.binaryData;
    encoded = goJson(m);
  }
  return encode(crypto.createHash('sha256').update(encoded).digest('hex'));
}

const SUBSTITUTE: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

function encode(hex: string): string {
  let out = '';
  for (const c of hex.slice(0, 10)) out += SUBSTITUTE[c] ?? c;
  return out;
}

/** Go's json.Marshal of plain data: map keys sorted, HTML-significant characters and line separators escaped. */
function goJson(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${goJson(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  }
  return v === undefined ? 'null' : JSON.stringify(v);
}

/**
 * A generated Secret's value as kustomize writes it (api/internal/generators/utils.go encodeBase64): base64 in
 * lines of 70 characters, each ended by a newline when there is more than one line.
 */
export function generatorBase64(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  if (encoded.length < 70) return encoded;
  let out = '';
  for (let i = 0; i < encoded.length; i += 70) out += `${encoded.slice(i, i + 70)}\n`;
  return out;
}
