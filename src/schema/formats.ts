import type { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { KNOWN_FORMATS } from './convert.js';

// ajv-formats is CommonJS: under NodeNext the default import is module.exports
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const addFormats: AddFormats =
  ((addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats));

/** Go time.ParseDuration-like ("1h30m", "5m", "0.5s"), plus the "d"/"w" units k8s strfmt accepts. */
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)\s*(ns|us|µs|μs|ms|s|m|h|d|w)\s*)+$|^0$/;
const CIDR_V4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}[:-]){7}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$/;

/**
 * Register the formats Kubernetes uses, with the API server's (lenient)
 * meaning where it differs from JSON schema's:
 *  - duration is a Go duration ("1m30s"), not ISO 8601;
 *  - uri is whatever Go's url.Parse accepts (no whitespace);
 *  - int32/int64/float/double are range checks on numbers.
 * Formats not in KNOWN_FORMATS are dropped from schemas by convert.ts.
 */
export function registerFormats(ajv: Ajv): void {
  addFormats(ajv, ['email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'int32', 'int64', 'float', 'double', 'date', 'date-time', 'password']);
  // Go's base64 decoding of []byte ignores line breaks (YAML block scalars)
  ajv.addFormat('byte', (s: string) => BASE64.test(s.replace(/[\r\n]/g, '')));
  ajv.addFormat('datetime', ajv.formats['date-time'] ?? true);
  ajv.addFormat('duration', GO_DURATION);
  ajv.addFormat('uri', (s: string) => !/[\s\u0000-\u001f\u007f]/.test(s));
  ajv.addFormat('cidr', (s: string) => {
    if (CIDR_V4.test(s)) return true;
    const slash = s.lastIndexOf('/');
    if (slash < 0) return false;
    const bits = s.slice(slash + 1);
    return /^\d{1,3}$/.test(bits) && Number(bits) <= 128 && s.slice(0, slash).includes(':') && /^[0-9A-Fa-f:.]+$/.test(s.slice(0, slash));
  });
  ajv.addFormat('mac', MAC);
  // resource.Quantity (core schemas only; CRDs spell it as int-or-string + pattern)
  ajv.addFormat('k8s-quantity', { type: 'string', validate: (s: string) => QUANTITY.test(s) });
  for (const f of KNOWN_FORMATS) if (!ajv.formats[f]) ajv.addFormat(f, true);
}
