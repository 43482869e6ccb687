/**
 * True when JSON.parse(JSON.stringify(v)) gives back a value equal to v in every respect lint-gitops can see:
 * strings, booleans, null, finite numbers other than -0, dense arrays and plain objects of those. JSON loses NaN
 * and ±Infinity (null), -0 (0), undefined members and holes, and anything else's prototype.
 *
 * `member`, when given, is asked about every member of every object on the way (key and value) and can refuse
 * it: the schema validator's cache refuses keys that the value it validates would not carry the same way.
 * The parse cache (src/load/parse/parsed-file.ts) and the validation results (src/schema/registry.ts) share this walk.
 */
export function jsonExact(v: unknown, member?: (key: string, value: unknown) => boolean): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      const proto = Object.getPrototypeOf(v);
      if (Array.isArray(v)) {
        if (proto !== Array.prototype) return false;
        // A hole reads as undefined, which JSON would turn into null.
        for (let i = 0; i < v.length; i++) if (!jsonExact(v[i], member)) return false;
        return true;
      }
      if (proto !== Object.prototype) return false;
      const o = v as Record<string, unknown>;
      // Own enumerable string keys are what both JSON and V8's serializer keep (a '__proto__' key is an own data
      // property either way); the parser makes plain data objects, nothing else.
      for (const k of Object.keys(o)) {
        if (member && !member(k, o[k])) return false;
        if (!jsonExact(o[k], member)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
