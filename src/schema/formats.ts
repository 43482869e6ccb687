import { createRequire } from 'node:module';
import type { Ajv, Format } from 'ajv';
import { KNOWN_FORMATS } from './convert.js';

const require = createRequire(import.meta.url);

/** Go time.ParseDuration-like ("1h30m", "5m", "0.5s"), plus the "d"/"w" units k8s strfmt accepts. */
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)\s*(ns|us|µs|μs|ms|s|m|h|d|w)\s*)+$|^0$/;
const CIDR_V4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}[:-]){7}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$/;

/** ajv-formats' "full" definitions of the standard formats Kubernetes uses. */
const STANDARD = ['email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'int32', 'int64', 'float', 'double', 'date', 'date-time', 'password'];

let formats: Record<string, Format> | undefined;

/**
 * The formats Kubernetes uses, with the API server's (lenient) meaning where
 * it differs from JSON schema's:
 *  - duration is a Go duration ("1m30s"), not ISO 8601;
 *  - uri is whatever Go's url.Parse accepts (no whitespace);
 *  - int32/int64/float/double are range checks on numbers.
 * Formats not in KNOWN_FORMATS are dropped from schemas by convert.ts.
 *
 * Built without ajv: a precompiled validator only needs these (as `__formats`),
 * and loading ajv's compiler costs more than most lint runs spend validating.
 */
export function kubernetesFormats(): Record<string, Format> {
  if (formats) return formats;
  // The definitions alone: ajv-formats' plugin entry point loads ajv's code generator.
  const { fullFormats } = require('ajv-formats/dist/formats') as { fullFormats: Record<string, Format> };
  const out: Record<string, Format> = {};
  for (const f of STANDARD) out[f] = fullFormats[f]!;
  // Go's base64 decoding of []byte ignores line breaks (YAML block scalars)
  out.byte = (s: string) => BASE64.test(s.replace(/[\r\n]/g, ''));
  out.datetime = out['date-time'] ?? true;
  out.duration = GO_DURATION;
  out.uri = (s: string) => !/[\s\u0000-\u001f\u007f]/.test(s);
  out.cidr = (s: string) => {
    if (CIDR_V4.test(s)) return true;
    const slash = s.lastIndexOf('/');
    if (slash < 0) return false;
    const bits = s.slice(slash + 1);
    return /^\d{1,3}$/.test(bits) && Number(bits) <= 128 && s.slice(0, slash).includes(':') && /^[0-9A-Fa-f:.]+$/.test(s.slice(0, slash));
  };
  out.mac = MAC;
  // resource.Quantity (core schemas only; CRDs spell it as int-or-string + pattern)
  out['k8s-quantity'] = { type: 'string', validate: (s: string) => QUANTITY.test(s) };
  for (const f of KNOWN_FORMATS) out[f] ??= true;
  formats = out;
  return out;
}

/** Register kubernetesFormats() with an ajv instance (ajv.formats then holds exactly these). */
export function registerFormats(ajv: Ajv): void {
  for (const [name, format] of Object.entries(kubernetesFormats())) ajv.addFormat(name, format);
}
