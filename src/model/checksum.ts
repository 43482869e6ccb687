import crypto from 'node:crypto';

/**
 * The checksum every cache entry is checked against before it is used (src/cache/parses.ts, the validator
 * cache, src/cli/launch.ts): the first 128 bits of its SHA-256, in base64url (22 ASCII characters). It tells a
 * damaged entry (a flipped bit, a torn or truncated write, an edit) from a good one; it is no defence against
 * someone who can write the cache directory, who could as well write a matching checksum.
 * One-shot crypto.hash where Node has it (20.12 and later): a Hash object costs about 1 µs more per call.
 */
export const checksum: (data: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'base64url').slice(0, 22)
    : (data) => crypto.createHash('sha256').update(data).digest('base64url').slice(0, 22);
