import { createHash, hash as cryptoHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAST_PARSER_VERSION } from './fast-parse.js';

/**
 * Where the parser keeps what it parsed, by a key of the file's bytes (parseKey): the two-method cache interface
 * the parser is given (YamlParser's `cache`). An entry depends only on the text, so an edited file simply misses.
 * The loader never opens one itself: the result cache's side of the code does (src/cache/parses.ts keeps them in
 * the user cache directory between runs); MemoryParseStore keeps them for one process (lint-gitops diff's two sides).
 * A value that does not decode is parsed again: the store is never trusted over the file.
 */
export interface ParseStore {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): void;
}

/** The key of a file's bytes, as parsed by this parser: the fast path's version is part of every key. */
export function parseKey(text: string): string {
  // One-shot hash of the same bytes as createHash().update(FAST_PARSER_VERSION).update('\0').update(text) (the
  // version is ASCII): a third of the time over a 5,000-app fleet's 30,111 files (~100 ms against ~290 ms).
  return cryptoHash('sha256', `${FAST_PARSER_VERSION}\0${text}`, 'base64');
}

/** Parses kept for this process only. */
export class MemoryParseStore implements ParseStore {
  private readonly entries = new Map<string, Uint8Array>();

  get(key: string): Uint8Array | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: Uint8Array): void {
    this.entries.set(key, value);
  }
}

let version: string | undefined;

/**
 * Changes whenever a parse could come out differently: the parser modules of this build (the full parse and the
 * fast path, and the fast path's own version), the yaml and js-yaml packages, V8. A store kept between runs drops
 * its entries when it changes. Reads this build's own module files (beside this one), never the linted repository.
 */
export function parserVersion(): string {
  if (version) return version;
  const h = createHash('sha256');
  // Format 2: a file fails as a whole (FILE_FAILED), limits are problems of kind 'limit', unresolved aliases are found.
  h.update(`format 2\0${process.versions.v8}\0${FAST_PARSER_VERSION}\0`);
  for (const mod of ['yaml-file', 'parsed-file', 'fast-parse', 'light-ast']) {
    // Built: the .js beside this file; from sources (tests): the .ts.
    const text = ['js', 'ts'].map((ext) => readOrUndefined(new URL(`./${mod}.${ext}`, import.meta.url))).find((t) => t !== undefined);
    h.update(`${mod}\0`);
    h.update(text ?? 'missing');
  }
  for (const pkg of ['yaml', 'js-yaml']) {
    try {
      const entry = fileURLToPath(import.meta.resolve(pkg));
      const st = fs.statSync(entry);
      h.update(`${entry}\0${st.size}\0${st.mtimeMs}\0`);
    } catch {
      h.update(`${pkg}?\0`);
    }
  }
  version = h.digest('base64');
  return version;
}

function readOrUndefined(url: URL): Buffer | undefined {
  try {
    return fs.readFileSync(fileURLToPath(url));
  } catch {
    return undefined;
  }
}
