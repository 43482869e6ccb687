import { serialize, deserialize } from 'node:v8';
import { fastParse } from './fast-parse.js';
import { parseYamlFile } from './yaml-file.js';
import type { Document, LineCounter } from 'yaml';
import type { FileProblem, FileRole, SourceFile, YamlDoc, YamlProblem } from './types.js';

/**
 * What parsing a file yields for rules, without the YAML syntax tree: the JS value and problems of each document.
 * It is what worker threads send back and what the parse cache stores; the tree, needed only to turn a finding's
 * node path into a line and column, is parsed again on first use (see lazySourceFile).
 */
export interface ParsedFile {
  problem?: FileProblem;
  docs: { value: unknown; problems: YamlProblem[] }[];
}

export function parsedOf(file: SourceFile): ParsedFile {
  const out: ParsedFile = { docs: file.docs.map((d) => ({ value: d.value, problems: d.problems })) };
  if (file.problem) out.problem = file.problem;
  return out;
}

/**
 * What parsing a file yields for rules: the fast path's values when it can vouch for them (src/load/fast-parse.ts),
 * else the full parse's values and problems. Either way the same values; problems only ever come from the full parse.
 */
export function parseValues(path: string, text: string): ParsedFile {
  return fastParse(text) ?? parsedOf(parseYamlFile(path, text));
}

/** Parses a file's text into its serialized ParsedFile (what a worker or the cache hands over). */
export function parseToBuffer(path: string, text: string): Uint8Array {
  return serialize(parseValues(path, text));
}

export function fromBuffer(buf: Uint8Array): ParsedFile {
  return deserialize(buf) as ParsedFile;
}

/**
 * A SourceFile built from a ParsedFile. `lineCounter` and each document's `ast` are parsed from the text on first
 * use, by the same parseYamlFile, so they are exactly what an eager parse would have given; a lint run with no
 * finding in a file never builds its tree, and the trees of a large repository are never all in memory at once.
 * Classes with getters on the prototype rather than accessors defined on each object: an object given its own
 * accessor becomes a dictionary, several times bigger and slower to make (about 10 MB per 6,000 files).
 */
export function lazySourceFile(path: string, text: string, parsed: ParsedFile): SourceFile {
  const file = new LazySourceFile(path, text);
  if (parsed.problem) file.problem = parsed.problem;
  parsed.docs.forEach((d, index) => file.docs.push(new LazyYamlDoc(file, index, d.value, d.problems)));
  return file;
}

class LazySourceFile implements SourceFile {
  readonly docs: YamlDoc[] = [];
  readonly roles = new Set<FileRole>();
  declare problem?: FileProblem;
  #full: SourceFile | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  fullParse(): SourceFile {
    return (this.#full ??= parseYamlFile(this.path, this.text));
  }

  get lineCounter(): LineCounter {
    return this.fullParse().lineCounter;
  }
}

class LazyYamlDoc implements YamlDoc {
  constructor(
    readonly file: LazySourceFile,
    readonly index: number,
    readonly value: unknown,
    readonly problems: YamlProblem[],
  ) {}

  get ast(): Document.Parsed {
    const docs = this.file.fullParse().docs;
    return docs[Math.min(this.index, docs.length - 1)]?.ast;
  }
}
