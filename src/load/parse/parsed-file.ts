import { serialize, deserialize } from 'node:v8';
import { jsonExact } from '../../model/json-exact.js';
import { fastParse, fastParseEvents } from './fast-parse.js';
import { measureYaml, parseYamlFile } from './yaml-file.js';
import type { Document, LineCounter } from 'yaml';
import type { FileProblem, FileRole, SourceFile, YamlDoc, YamlProblem } from '../../model/types.js';

/**
 * What parsing a file yields for rules, without the YAML syntax tree: the JS value and problems of each document.
 * It is what worker threads send back and what the parse cache stores; the tree, needed only to turn a finding's
 * node path into a line and column, is parsed again on first use (see lazySourceFile).
 */
export interface ParsedFile {
  problem?: FileProblem;
  docs: { value: unknown; problems: YamlProblem[] }[];
  /** Too large for the full parse (src/model/limits.ts MAX_FULL_PARSE_*): its tree comes from the fast path's events. */
  large?: true;
}

export function parsedOf(file: SourceFile, large = false): ParsedFile {
  const out: ParsedFile = { docs: file.docs.map((d) => ({ value: d.value, problems: d.problems })) };
  if (file.problem) out.problem = file.problem;
  if (large) out.large = true;
  return out;
}

/**
 * What parsing a file yields for rules: the fast path's values when it can vouch for them (src/load/parse/fast-parse.ts),
 * else the full parse's values and problems. Either way the same values; problems only ever come from the full parse.
 */
export function parseValues(path: string, text: string): ParsedFile {
  // Limits first: the fast path too must never see a file past them (src/load/parse/yaml-file.ts measureYaml).
  const measured = measureYaml(text);
  if (measured.limit) return { docs: [], problem: { kind: 'limit', reason: measured.limit } };
  if (measured.large) {
    // Values (and repeated keys) from the fast path; its tree is built only if a finding needs a position.
    const fast = fastParseEvents(text);
    if ('declined' in fast) return parsedOf(parseYamlFile(path, text, measured), true);
    return { ...fast.parsed, large: true };
  }
  return fastParse(text) ?? parsedOf(parseYamlFile(path, text, measured));
}

/** Parses a file's text into its serialized ParsedFile (what a worker or the cache hands over). */
export function parseToBuffer(path: string, text: string): Uint8Array {
  return toBuffer(parseValues(path, text));
}

/**
 * A ParsedFile serialized: as JSON text when JSON gives back exactly the same values (plain objects and arrays,
 * strings, booleans, null, finite numbers other than -0), else with V8's serializer. A warm run over 30,000 files
 * decodes every one of them: JSON.parse took about 190 ms for the 5,000-app fleet's entries where v8.deserialize
 * took 400-500 ms, and writing costs about the same either way. Anything JSON would change (NaN, Infinity, -0 from
 * `.nan`, `.inf`, `-0`; undefined; a Map, a Date, a class instance) keeps the V8 form, so both decode to equal values.
 */
export function toBuffer(parsed: ParsedFile): Uint8Array {
  return jsonExact(parsed) ? Buffer.from(JSON.stringify(parsed)) : serialize(parsed);
}

/** V8's serializer starts every buffer with its version tag (0xFF); JSON text for a ParsedFile starts with '{'. */
const JSON_START = 0x7b;

export function fromBuffer(buf: Uint8Array): ParsedFile {
  if (buf[0] === JSON_START) return JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8')) as ParsedFile;
  return deserialize(buf) as ParsedFile;
}

export { jsonExact };

/**
 * A SourceFile built from a ParsedFile. `lineCounter` and each document's `ast` are parsed from the text on first
 * use, by the same parseYamlFile, so they are exactly what an eager parse would have given; a lint run with no
 * finding in a file never builds its tree, and the trees of a large repository are never all in memory at once.
 * Classes with getters on the prototype rather than accessors defined on each object: an object given its own
 * accessor becomes a dictionary, several times bigger and slower to make (about 10 MB per 6,000 files).
 */
export function lazySourceFile(path: string, text: string, parsed: ParsedFile): SourceFile {
  const file = new LazySourceFile(path, text, parsed.large === true);
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
    private readonly large: boolean,
  ) {}

  fullParse(): SourceFile {
    // A large file was measured already: its tree comes from the fast path's events, without counting it again.
    return (this.#full ??= parseYamlFile(this.path, this.text, this.large ? { large: true } : undefined));
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
