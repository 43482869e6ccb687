import {
  COLLECTION_STYLE,
  EVENT_ID,
  SCALAR_STYLE,
  NOT_RESOLVED,
  Schema,
  constructFromEvents,
  defineMappingTag,
  defineScalarTag,
  getScalarValue,
  parseEvents,
  seqTag,
  strTag,
  type Event,
} from 'js-yaml';
import type { ParsedFile } from './parsed-file.js';
import type { YamlProblem } from '../../model/types.js';
import { MAX_DOCUMENTS } from '../../model/limits.js';
import { countDocumentStarts } from './yaml-file.js';

/**
 * The fast path for values: js-yaml's event parser (about 3× faster than the `yaml` Document API) with a schema
 * that resolves plain scalars exactly as `yaml`'s YAML 1.2 core schema does (same tests, same conversions). It
 * answers only for files where it is sure to give parseYamlFile's documents and values and where parseYamlFile
 * would find no problem; for anything else it declines (returns undefined) and the caller runs the full parse,
 * which is the one that reports problems. It declines on: any js-yaml error (a syntax error, a duplicate key,
 * nesting past FAST_MAX_DEPTH); anchors, aliases, tags and directives; `<<` and `__proto__` keys, null keys and
 * collection keys; implicit keys `yaml` rejects (spanning lines, or a `:` over 1024 characters past the key's
 * start); flow collections spanning lines; block scalars with an indentation indicator or a line of only spaces;
 * `...` markers; a `---` js-yaml reads as a marker where `yaml` does not; tabs, a BOM, a lone CR; more than
 * MAX_DOCUMENTS documents; no document at all. Each of these is either where the two parsers were seen to differ
 * or where they could, unchecked. test/load/fast-parse*.test.ts holds the two paths against each other on every
 * YAML file of the fixture and the corpora, on hostile inputs, and on generated and damaged YAML.
 */

/** Goes into the parse cache's key: a cached result from another parser must never be read back. */
export const FAST_PARSER_VERSION = 'js-yaml events, yaml core scalars, 1';

/** Deeper documents are left to the full parse (which reports MAX_YAML_DEPTH); no manifest comes close. */
const FAST_MAX_DEPTH = 64;
/** `yaml` rejects an implicit key whose `:` is more than 1024 characters past its start; stay well inside. */
const MAX_KEY_SPAN = 1000;

function decline(why: string): never {
  throw new Error(`declined: ${why}`);
}

// yaml's core schema (node_modules/yaml/dist/schema/core/*.js): the same tests, in the same order, and the same
// conversions, so a plain scalar resolves to the same value in both parsers. Quoted and block scalars are strings
// in both. js-yaml tries the implicit tags in schema order and falls back to a string, as `yaml` does.
const nullTag = defineScalarTag<null>('tag:yaml.org,2002:null', {
  implicit: true,
  implicitFirstChars: ['', '~', 'n', 'N'],
  resolve: (s) => (/^(?:~|[Nn]ull|NULL)?$/.test(s) ? null : NOT_RESOLVED),
  identify: (v) => v === null,
});
const boolTag = defineScalarTag<boolean>('tag:yaml.org,2002:bool', {
  implicit: true,
  implicitFirstChars: ['t', 'T', 'f', 'F'],
  resolve: (s) => (/^(?:[Tt]rue|TRUE)$/.test(s) ? true : /^(?:[Ff]alse|FALSE)$/.test(s) ? false : NOT_RESOLVED),
  identify: (v) => typeof v === 'boolean',
});
const intTag = defineScalarTag<number>('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', ...'0123456789'],
  resolve: (s) => {
    if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
    if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
    if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
    return NOT_RESOLVED;
  },
  identify: (v) => Number.isInteger(v),
});
const floatTag = defineScalarTag<number>('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: (s) => {
    if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
      return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
    if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
    return NOT_RESOLVED;
  },
  identify: (v) => typeof v === 'number',
});

/**
 * Plain objects, as `yaml`'s toJS builds them. A key is turned into a string by String(), as `yaml` does for a
 * number or boolean; a null key (`yaml` makes it '') and a collection key (`yaml` writes it as YAML) decline, and
 * so do `__proto__` and `<<`, which no manifest needs and which each parser could treat its own way.
 */
const mapTag = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  create: () => ({}),
  addPair: (map, key, value) => {
    const t = typeof key;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return 'declined: a null or collection key';
    const k = String(key);
    if (k === '__proto__' || k === '<<') return 'declined: a special key';
    map[k] = value;
    return '';
  },
  has: (map, key) => Object.prototype.hasOwnProperty.call(map, String(key)),
  keys: (map) => Object.keys(map),
  get: (map, key) => map[String(key)],
  identify: () => false,
});

const SCHEMA = new Schema([strTag, seqTag, mapTag, nullTag, boolTag, intTag, floatTag]);

/**
 * The values of a file's documents, when the fast path can vouch for them; undefined when the full parse must
 * run (see the list above). Never throws.
 */
export function fastParse(text: string): ParsedFile | undefined {
  try {
    return parseFast(text);
  } catch {
    return undefined;
  }
}

/** Why the fast path declines a file (undefined: it does not); for tests and for measuring how often it declines. */
export function fastParseDeclines(text: string): string | undefined {
  try {
    parseFast(text);
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

/**
 * The fast path's values with the events they came from, for a file too large for the full parse
 * (src/load/parse/yaml-file.ts parseLarge; positions from src/load/parse/light-ast.ts), or why it declines. A repeated key does
 * not decline here: the later value wins, as in the full parse, and yaml-duplicate-key finds it in the tree.
 */
export function fastParseEvents(text: string): { parsed: ParsedFile; events: Event[] } | { declined: string } {
  try {
    const box: { events?: Event[]; duplicates?: boolean } = { duplicates: true };
    const parsed = parseFast(text, box);
    return { parsed, events: box.events! };
  } catch (e) {
    return { declined: (e as Error).message.split('\n')[0].replace(/^declined: /, '') };
  }
}

function parseFast(text: string, keep?: { events?: Event[]; duplicates?: boolean }): ParsedFile {
  const duplicates: YamlProblem[][] | undefined = keep?.duplicates ? [] : undefined;
  if (text.includes('\t')) decline('a tab');
  if (text.includes('\ufeff')) decline('a byte order mark');
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 0x0a) decline('a lone CR');
  const starts = countDocumentStarts(text);
  if (starts > MAX_DOCUMENTS) decline('too many documents');
  if (hasDocumentEnd(text)) decline('a document end marker');
  const events = parseEvents(text, { maxDepth: FAST_MAX_DEPTH });
  checkEvents(events, text, starts, duplicates);
  if (keep) keep.events = events;
  const values = constructFromEvents(events, { source: text, schema: SCHEMA, maxAliases: 0, json: keep?.duplicates === true });
  // `yaml` gives an empty file no document, and so does js-yaml; but nothing is gained on a file with no content.
  if (values.length === 0) decline('no document');
  return { docs: values.map((value, i) => ({ value: value === undefined ? null : value, problems: duplicates?.[i] ?? [] })) };
}

/**
 * A `...` line: after it, `yaml` counts an empty document where js-yaml counts none (`a\n...\n...\n` is two
 * documents to one and one to the other). No manifest needs one.
 */
function hasDocumentEnd(text: string): boolean {
  for (let i = text.indexOf('...'); i >= 0; i = text.indexOf('...', i + 3)) {
    const after = text.charCodeAt(i + 3);
    if ((i === 0 || text[i - 1] === '\n') && (Number.isNaN(after) || after === 0x20 || after === 0x0a || after === 0x0d || after === 0x09)) return true;
  }
  return false;
}

interface Frame {
  mapping: boolean;
  /** In a mapping: the next node is a key. */
  key: boolean;
  flow: boolean;
  /** The keys of a mapping so far, when repeated keys are collected rather than declined. */
  keys?: Set<string>;
}

/**
 * Everything in the event stream the two parsers could read differently, or that the full parse reports. With
 * `duplicates`, a repeated scalar key (compared by its text: `1` and "1" are one key here) is collected per
 * document instead, as the full parse's yaml-duplicate-key finds it.
 */
function checkEvents(events: Event[], text: string, starts: number, duplicates?: YamlProblem[][]): void {
  const frames: Frame[] = [];
  /** Nesting of flow collections: only the outermost is checked, once. */
  let flow = 0;
  let explicitStarts = 0;
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) {
      if (e.directives.length > 0) decline('a directive');
      if (e.explicitStart) explicitStarts++;
      duplicates?.push([]);
      continue;
    }
    if (e.type === EVENT_ID.POP) {
      if (frames.pop()?.flow) flow--;
      continue;
    }
    if (e.type === EVENT_ID.ALIAS) decline('an alias');
    if (e.anchorStart !== -1) decline('an anchor');
    if (e.tagStart !== -1) decline('a tag');
    const top = frames[frames.length - 1];
    const isKey = top !== undefined && top.mapping && top.key;
    if (top?.mapping) top.key = !top.key;
    if (e.type === EVENT_ID.SCALAR) {
      if (isKey && duplicates && top.keys) {
        const k = e.valueStart === -1 ? '' : getScalarValue(text, e);
        if (top.keys.has(k) && e.valueStart !== -1) duplicates[duplicates.length - 1].push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', start: e.valueStart, end: e.valueEnd });
        top.keys.add(k);
      }
      if (isKey && e.valueStart !== -1) checkKey(text, e.valueStart, e.valueEnd);
      if (e.style >= SCALAR_STYLE.LITERAL_BLOCK && e.valueStart !== -1) checkBlockScalar(text, e.valueStart, e.valueEnd);
      continue;
    }
    // A collection as a key is declined by the map tag; here only its shape matters.
    const isFlow = e.style === COLLECTION_STYLE.FLOW;
    if (isFlow && flow++ === 0) checkFlowOnOneLine(text, e.start);
    frames.push({ mapping: e.type === EVENT_ID.MAPPING, key: true, flow: isFlow, keys: duplicates && e.type === EVENT_ID.MAPPING ? new Set() : undefined });
  }
  // Every `---` js-yaml started a document at must be a marker at column 0: it also takes `  --- x` at the very
  // start of a file for one, where `yaml` reads the scalar '--- x'.
  if (explicitStarts !== starts) decline('a document marker out of place');
}

/**
 * `yaml` rejects an implicit key that spans lines or whose `:` comes more than 1024 characters after its start;
 * js-yaml is laxer. Declines any key whose `:` is not within MAX_KEY_SPAN characters of its start on its own line
 * (an explicit `? key` with its `:` on the next line declines too: rare, and safe).
 */
function checkKey(text: string, start: number, end: number): void {
  const limit = Math.min(text.length, start + MAX_KEY_SPAN);
  if (end > limit) decline('a long key');
  for (let i = start; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) decline('a key spanning lines');
    if (c === 0x3a /* : */ && i >= end) return;
  }
  decline('a long key');
}

/**
 * The parsers read a line of only spaces in a block scalar differently when it holds more spaces than the
 * scalar's indentation (js-yaml keeps the extra spaces as content, `yaml` does not), and an indentation indicator
 * (`|2`) on a document's top-level scalar; a block scalar with either declines. Its content starts on the line
 * after its header.
 */
function checkBlockScalar(text: string, start: number, end: number): void {
  const header = text.slice(text.lastIndexOf('\n', start - 2) + 1, start);
  if (/[|>][-+]?[0-9]/.test(header)) decline('an indentation indicator');
  for (let i = start; i < end; ) {
    let j = i;
    while (j < end && text.charCodeAt(j) === 0x20) j++;
    const c = text.charCodeAt(j);
    if (j > i && (j >= end || c === 0x0a || c === 0x0d)) decline('a line of spaces in a block scalar');
    const nl = text.indexOf('\n', j);
    if (nl < 0) break;
    i = nl + 1;
  }
}

/**
 * `yaml` requires the lines of a flow collection in a block to be indented past the block, js-yaml does not:
 * a flow collection must close on the line it opens on. Quoted scalars are skipped; a plain scalar in a flow
 * collection cannot hold a bracket. A comment or the end of the line before the collection closes declines.
 */
function checkFlowOnOneLine(text: string, start: number): void {
  const eol = (i: number) => i >= text.length || text[i] === '\n' || text[i] === '\r';
  let depth = 0;
  for (let i = start; !eol(i); i++) {
    const c = text[i];
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth === 0) return;
    } else if ((c === '"' || c === "'") && /[[{,:? ]/.test(text[i - 1])) {
      // A quoted scalar: skip to its closing quote on this line. (A quote inside a plain scalar opens nothing.)
      for (i++; ; i++) {
        if (eol(i)) decline('a flow collection spanning lines');
        if (c === '"' && text[i] === '\\') {
          i++;
          if (eol(i)) decline('a flow collection spanning lines');
        } else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
    } else if (c === '#' && text[i - 1] === ' ') break;
  }
  decline('a flow collection spanning lines');
}
