import { CST, Lexer, LineCounter, Scalar, isAlias, isCollection, isMap, isPair, isScalar, isSeq, parse, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import { fastParseEvents } from './fast-parse.js';
import { lightDocuments, lineCounterOf } from './light-ast.js';
import type { FileProblem, Location, SourceFile, YamlDoc, YamlProblem } from '../../model/types.js';
import { MAX_ALIAS_COUNT, MAX_DOCUMENTS, MAX_FULL_PARSE_BYTES, MAX_FULL_PARSE_TOKENS, MAX_YAML_DEPTH, MAX_YAML_TOKENS } from '../../model/limits.js';


export function unreadableFile(path: string, problem: FileProblem): SourceFile {
  return { path, text: '', lineCounter: new LineCounter(), docs: [], problem, roles: new Set() };
}

/** What the limits say of a text: why it is refused, or whether it is too large for the full parse. */
export interface Measured {
  limit?: string;
  large: boolean;
}

/**
 * Measures a text before any parser runs. Cheap for an ordinary file: the token count is bounded from the length,
 * then from a character scan; only a file those cannot clear is lexed, and the lexer stops at MAX_YAML_TOKENS.
 */
export function measureYaml(text: string): Measured {
  const starts = countDocumentStarts(text);
  // Counted only when the markers alone come near the limit: the scan for content before the first one is cheap,
  // but a file of a few documents need not pay it.
  const documents = starts >= MAX_DOCUMENTS ? countDocuments(text) : starts;
  if (documents > MAX_DOCUMENTS) return { limit: `${documents} YAML documents, over the limit of ${MAX_DOCUMENTS} (MAX_DOCUMENTS); it was not parsed`, large: false };
  const tokens = countTokens(text, starts);
  if (tokens > MAX_YAML_TOKENS) {
    return { limit: `more than ${MAX_YAML_TOKENS.toLocaleString('en-US')} YAML tokens, over the limit (MAX_YAML_TOKENS); it was not parsed`, large: true };
  }
  return { large: tokens > MAX_FULL_PARSE_TOKENS || text.length > MAX_FULL_PARSE_BYTES };
}

/**
 * Parses every document of a file, keeping the AST for positions and the JS value for rules. `measured`: what
 * measureYaml said of the text, when the caller knows it already.
 */
export function parseYamlFile(path: string, text: string, measured: Measured = measureYaml(text)): SourceFile {
  const lineCounter = new LineCounter();
  const file: SourceFile = { path, text, lineCounter, docs: [], roles: new Set() };
  if (measured.limit) {
    file.problem = { kind: 'limit', reason: measured.limit };
    return file;
  }
  if (measured.large) return parseLarge(file);
  // Nesting past MAX_YAML_DEPTH is found before the parser runs (it recurses, and 400 KB of `[` took it 4 s and
  // 500 MB before the stack gave out): each too-deep document is blanked (same length, same line breaks, so every
  // offset and line stays true) and the others are read.
  let tooDeep = new Map<number, number>();
  let source = text;
  if (mayNestTooDeep(text)) {
    const blanked = blankTooDeep(text);
    tooDeep = blanked.deepAt;
    source = blanked.text;
  }
  let parsed: Document.Parsed[];
  try {
    parsed = parseDocuments(source, lineCounter);
  } catch (e) {
    if (!isStackOverflow((e as Error).message)) throw e;
    file.problem = { kind: 'unreadable', reason: `YAML parser gave up: ${(e as Error).message}` };
    return file;
  }
  if (parsed.some((d) => d.errors.some((e) => isStackOverflow(e.message)))) {
    file.problem = { kind: 'unreadable', reason: 'YAML parser gave up: Maximum call stack size exceeded' };
    return file;
  }
  let fatal = false;
  parsed.forEach((ast, index) => {
    const walked = walkDocument(ast);
    const problems: YamlProblem[] = [];
    // One finding per broken document, the parser's first: what follows an error is mostly its echo.
    const first = ast.errors[0];
    if (first) problems.push(quoteAware(walked, { code: first.code, message: first.message.split('\n')[0], start: first.pos[0], end: first.pos[1] }));
    else if (walked.unresolvedAlias) problems.push(walked.unresolvedAlias);
    const deepAt = tooDeep.get(index) ?? walked.deepAt;
    if (deepAt !== undefined) {
      problems.push({ code: 'DEPTH_LIMIT', message: `YAML nests deeper than ${MAX_YAML_DEPTH} levels`, start: deepAt, end: deepAt + 1 });
    }
    let value: unknown;
    if (problems.length === 0) {
      try {
        value = ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        const [start, end] = ast.range;
        problems.push({ code: 'ALIAS_LIMIT', message: (e as Error).message, start, end });
      }
    }
    if (problems.some((p) => p.code !== 'DEPTH_LIMIT')) fatal = true;
    // A duplicate key does not stop the document: Flux fails on it, but its other problems are worth showing too.
    else for (const d of walked.duplicates) problems.push(d);
    file.docs.push({ file, index, ast, value, problems });
  });
  // kustomize and Flux read a file as one stream: a document that does not parse fails the whole file, so none of
  // its documents is built ("MalformedYAMLError: yaml: unknown anchor 'pvc' referenced in File: ks.yaml").
  if (fatal) {
    for (const doc of file.docs) {
      doc.value = undefined;
      if (doc.problems.length === 0 || doc.problems.every((p) => p.code === 'DUPLICATE_KEY')) {
        doc.problems = [{ code: FILE_FAILED, message: 'another document of this file does not parse', start: doc.ast.range[0], end: doc.ast.range[0] }];
      }
    }
  }
  // A file holding only comments or `---` parses into one empty document; that is fine, not a problem.
  return file;
}

/** The problem of a document that is fine itself, in a file another document of which does not parse. */
export const FILE_FAILED = 'FILE_FAILED';

/** A document that cannot be built: a parse error, here or in another document of its file, or a linter limit. */
export function isBroken(doc: { problems: YamlProblem[] }): boolean {
  return doc.problems.some((p) => p.code !== 'DUPLICATE_KEY');
}

/**
 * An unterminated quoted scalar or flow collection is reported by the parser where the input (or the document)
 * ends, far from its cause: point at the quote or bracket that opens it, as kustomize's "line 6: found unexpected
 * end of stream" does. The node the parser made of it ends exactly there.
 */
function quoteAware(walked: Walked, p: YamlProblem): YamlProblem {
  const unclosed =
    p.code === 'MISSING_CHAR' && /quote/i.test(p.message) ? walked.quoted : p.code === 'BAD_INDENT' && /end with a [\]}]/.test(p.message) ? walked.flows : undefined;
  const open = unclosed?.find((r) => r[1] === p.start);
  return open ? { ...p, start: open[0], end: open[0] + 1 } : p;
}

/**
 * A file over MAX_FULL_PARSE_TOKENS or MAX_FULL_PARSE_BYTES: the fast path's values (repeated keys allowed, found
 * in the tree), positions from its events; or, when the fast path declines it, a finding.
 */
export function parseLarge(file: SourceFile): SourceFile {
  const fast = fastParseEvents(file.text);
  if ('declined' in fast) {
    file.problem = {
      kind: 'limit',
      reason: `too large for the full YAML parser (over ${MAX_FULL_PARSE_TOKENS.toLocaleString('en-US')} tokens or ${MAX_FULL_PARSE_BYTES / 1048576} MiB: MAX_FULL_PARSE_TOKENS, MAX_FULL_PARSE_BYTES), and the fast reader declines it (${fast.declined}); it was not parsed`,
    };
    return file;
  }
  file.lineCounter = lineCounterOf(file.text);
  const asts = lightDocuments(file.text, fast.events);
  fast.parsed.docs.forEach((d, index) => {
    const ast = asts[index] ?? asts[asts.length - 1];
    file.docs.push({ file, index, ast, value: d.value, problems: d.problems });
  });
  return file;
}

/**
 * Parses a YAML string written inside a file (an inline patch) with the same guards as a file: no quadratic
 * duplicate-key check, the alias limit, no warnings on stderr. Throws on any error, as `parse` does.
 */
export function parseInline(text: string): unknown {
  checkInlineBounds(text);
  return parse(text, { uniqueKeys: false, maxAliasCount: MAX_ALIAS_COUNT, logLevel: 'error' });
}

/** The bounds of a file, for YAML text inside a file (an inline patch): throws when it is past one of them. */
export function checkInlineBounds(text: string): void {
  // A patch string is input too, and the parser recurses.
  const measured = measureYaml(text);
  if (measured.limit || measured.large) throw new Error(measured.limit ?? 'too large for the full YAML parser');
  if (mayNestTooDeep(text) && scanDepth(text).some((d) => d.deep !== undefined)) throw new Error(`YAML nests deeper than ${MAX_YAML_DEPTH} levels`);
}

/**
 * The documents of a text: one per `---` marker line, and one more when content comes before the first marker
 * (a file that opens with `kind: ...` and separates the next documents with `---`). Comments, blank lines and
 * directives (`%YAML`) before the first marker are not a document of their own.
 */
export function countDocuments(text: string): number {
  const starts = countDocumentStarts(text);
  return starts + (contentBeforeFirstMarker(text) ? 1 : 0);
}

function contentBeforeFirstMarker(text: string): boolean {
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const line = text.slice(at, nl < 0 ? text.length : nl);
    if (/^---(?:[ \t\r]|$)/.test(line)) return false;
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#') && !line.startsWith('%')) return true;
    if (nl < 0) break;
    at = nl + 1;
  }
  return false;
}

/** Lines starting with `---`: a document marker can never be content at column 0, so this counts the markers. */
export function countDocumentStarts(text: string): number {
  let n = 0;
  for (let i = text.indexOf('---'); i >= 0; i = text.indexOf('---', i + 3)) {
    const after = text.charCodeAt(i + 3);
    if ((i === 0 || text[i - 1] === '\n') && (Number.isNaN(after) || after === 0x20 || after === 0x0a || after === 0x0d || after === 0x09)) n++;
  }
  return n;
}

interface Walked {
  deepAt?: number;
  duplicates: YamlProblem[];
  /** The first alias (in the text) to an anchor no node before it defines. */
  unresolvedAlias?: YamlProblem;
  /** Ranges of the quoted scalars and flow collections: an unterminated one ends where the parser reports it. */
  quoted: [number, number][];
  flows: [number, number][];
}

/**
 * One iterative pass over a document: where it first nests deeper than MAX_YAML_DEPTH, every repeated key (same
 * scalar value, as the parser's uniqueKeys compares them) for yaml-duplicate-key, an alias to an anchor defined
 * nowhere before it (the `yaml` parser only finds it when converting, without a position; kustomize reads "unknown
 * anchor 'pvc' referenced"), and where quoted scalars are.
 */
function walkDocument(ast: Document.Parsed): Walked {
  const duplicates: YamlProblem[] = [];
  const quoted: [number, number][] = [];
  const flows: [number, number][] = [];
  const anchors = new Map<string, number>();
  const aliases: { name: string; at: number; end: number }[] = [];
  let deepAt: number | undefined;
  const stack: [unknown, number][] = [[ast.contents, 0]];
  const note = (node: unknown) => {
    if (isAlias(node)) {
      if (node.range) aliases.push({ name: node.source, at: node.range[0], end: node.range[1] });
      return;
    }
    const n = node as Node | null;
    if (!n || !n.range) return;
    if (n.anchor) {
      const before = anchors.get(n.anchor);
      if (before === undefined || n.range[0] < before) anchors.set(n.anchor, n.range[0]);
    }
    if (isScalar(n) && (n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE)) quoted.push([n.range[0], n.range[1]]);
    else if (isCollection(n) && n.flow) flows.push([n.range[0], n.range[1]]);
  };
  while (stack.length > 0) {
    const [node, parentDepth] = stack.pop()!;
    note(node);
    if (!isCollection(node)) continue;
    const depth = parentDepth + 1;
    if (depth > MAX_YAML_DEPTH) {
      const at = node.range?.[0] ?? 0;
      if (deepAt === undefined || at < deepAt) deepAt = at;
      continue;
    }
    const seen = isMap(node) ? new Set<string>() : undefined;
    for (const item of node.items) {
      if (!isPair(item)) {
        stack.push([item, depth]);
        continue;
      }
      const key = item.key;
      if (seen && isScalar(key)) {
        note(key);
        const id = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id) && key.range) {
          duplicates.push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', start: key.range[0], end: key.range[1] });
        }
        seen.add(id);
      } else stack.push([key, depth]);
      stack.push([item.value, depth]);
    }
  }
  let unresolvedAlias: YamlProblem | undefined;
  for (const a of aliases) {
    const anchor = anchors.get(a.name);
    if (anchor !== undefined && anchor < a.at) continue;
    if (unresolvedAlias && unresolvedAlias.start < a.at) continue;
    unresolvedAlias = { code: 'BAD_ALIAS', message: `undefined alias *${a.name}: no anchor &${a.name} before it in this document`, start: a.at, end: a.end };
  }
  return { deepAt, duplicates: duplicates.sort((a, b) => a.start - b.start), unresolvedAlias, quoted, flows };
}

/**
 * The lexer tokens of a text, counted up to just past MAX_YAML_TOKENS; when it is sure to be at most
 * MAX_FULL_PARSE_TOKENS, a bound instead. Every token but the lexer's own markers (a few per document) is at least
 * one character, and starts at a line break, at an indicator character or after a run of spaces: a text short
 * enough, or whose characters bound the count low enough, is not lexed. The rest is counted by `yaml`'s Lexer,
 * which does not recurse.
 */
function countTokens(text: string, documents: number): number {
  const markers = 2 * (documents + 1);
  if (text.length + markers <= MAX_FULL_PARSE_TOKENS) return text.length + markers;
  let bound = markers;
  let space = false;
  for (let i = 0; i < text.length && bound <= MAX_FULL_PARSE_TOKENS; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      bound += 2;
      space = false;
    } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
      if (!space) bound += 2;
      space = true;
    } else {
      if (c < 0x80 && INDICATOR[c]) bound += 2;
      space = false;
    }
  }
  if (bound <= MAX_FULL_PARSE_TOKENS) return bound;
  let n = 0;
  for (const _ of new Lexer().lex(text)) if (++n > MAX_YAML_TOKENS) break;
  return n;
}

/** Characters that start (or may start) a token of their own: `yaml`'s flow and block indicators, quotes, comments. */
const INDICATOR = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[c.charCodeAt(0)] = 1;

/**
 * Whether a document might nest deeper than MAX_YAML_DEPTH, cheaply and never wrongly "no": a flow collection adds
 * a level per `[` or `{`, and a block collection needs its own column, at most two levels per column (a sequence
 * may sit at its key's column) from a line's leading run of indentation and `-`, `?`, `:` indicators (node
 * properties between them add none). The exact scan (scanDepth) runs only when this says "maybe".
 */
function mayNestTooDeep(text: string): boolean {
  const quarter = MAX_YAML_DEPTH / 4;
  let openers = 0;
  for (let i = text.indexOf('['); i >= 0 && openers <= quarter; i = text.indexOf('[', i + 1)) openers++;
  for (let i = text.indexOf('{'); i >= 0 && openers <= quarter; i = text.indexOf('{', i + 1)) openers++;
  if (openers > quarter) return true;
  return LONG_LEADING_RUN.test(text);
}

/**
 * A line whose leading run holds MAX_YAML_DEPTH / 4 items: spaces and `-`, `?`, `:` indicators, or node properties
 * (`&anchor`, `!tag`, which add no level). Each character belongs to one alternative only, so the match is linear.
 */
const LONG_LEADING_RUN = new RegExp(`^(?:[ \\t?:-]|[&!][^ \\t\\r\\n?:-]*){${MAX_YAML_DEPTH / 4}}`, 'm');

function parseDocuments(text: string, lineCounter: LineCounter): Document.Parsed[] {
  // Duplicate keys are found in walkDocument in one pass: the parser's own check (uniqueKeys) is quadratic.
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true, logLevel: 'error' });
  return Array.isArray(parsed) ? parsed : [parsed as unknown as Document.Parsed];
}

function isStackOverflow(message: string): boolean {
  return /call stack/i.test(message);
}

/**
 * The text with the content of every document that nests deeper than MAX_YAML_DEPTH replaced by spaces (line
 * breaks kept), and for each such document (by index) the offset of its first collection past the limit.
 */
function blankTooDeep(text: string): { text: string; deepAt: Map<number, number> } {
  const docs = scanDepth(text);
  const deepAt = new Map<number, number>();
  let out = '';
  let at = 0;
  docs.forEach((d, i) => {
    if (d.deep === undefined) return;
    deepAt.set(i, d.deep);
    const end = i + 1 < docs.length ? docs[i + 1].marker : text.length;
    // A null (`~`) where the content began keeps the document there, so the documents keep their indexes.
    out += text.slice(at, d.contentStart) + '~' + text.slice(d.contentStart + 1, end).replace(/[^\n]/g, ' ');
    at = end;
  });
  return { text: out + text.slice(at), deepAt };
}

/**
 * Per document: where its `---` marker and its first content are, and the offset of the first collection nested deeper than MAX_YAML_DEPTH. Read
 * from the token stream of yaml's Lexer, which (unlike its parsers) does not recurse: flow collections by their
 * brackets, block collections by the columns of their `-`, `?` and `key:` indicators. The depth counted is the
 * one walkDocument counts on the syntax tree (the document's top collection is 1).
 */
function scanDepth(text: string): { marker: number; contentStart: number; deep?: number }[] {
  const docs: { marker: number; contentStart: number; deep?: number; content: boolean }[] = [{ marker: 0, contentStart: 0, content: false }];
  const block: { col: number; seq: boolean }[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = 0;
  let firstOnLine = true;
  let nodeCol: number | undefined;
  const doc = () => docs[docs.length - 1];
  const level = (at: number) => {
    const d = doc();
    if (block.length + flow > MAX_YAML_DEPTH && d.deep === undefined) d.deep = at;
  };
  const blockItem = (col: number, seq: boolean, at: number) => {
    while (block.length > 0 && block[block.length - 1].col > col) block.pop();
    // A key at the column of a sequence ends it (`key:\n- a\nnext: b`); a `-` there starts one inside the map.
    if (!seq) while (block.length > 0 && block[block.length - 1].col === col && block[block.length - 1].seq) block.pop();
    const top = block[block.length - 1];
    if (top && top.col === col && top.seq === seq) return;
    block.push({ col, seq });
    level(at);
  };
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    // The lexer's own markers are not source text.
    if (type === 'doc-mode' || type === 'scalar' || type === 'flow-error-end' || type === 'byte-order-mark') continue;
    const at = offset;
    offset += token.length;
    const col = at - lineStart;
    const nl = token.lastIndexOf('\n');
    if (nl >= 0) lineStart = at + nl + 1;
    if (type === 'newline' || (nl >= 0 && nl === token.length - 1)) {
      firstOnLine = true;
      nodeCol = undefined;
      continue;
    }
    if (type === 'space' || type === 'comment') continue;
    if (type === 'doc-start' && col === 0) {
      if (doc().content) docs.push({ marker: at, contentStart: offset, content: false });
      block.length = 0;
      flow = 0;
      continue;
    }
    if (!doc().content) {
      doc().content = true;
      doc().contentStart = at;
    }
    if (flow === 0 && firstOnLine) {
      while (block.length > 0 && block[block.length - 1].col > col) block.pop();
    }
    firstOnLine = false;
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      if (flow === 0) nodeCol ??= col;
      flow++;
      level(at);
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      flow = Math.max(0, flow - 1);
    } else if (flow > 0) {
      continue;
    } else if (type === 'seq-item-ind') {
      blockItem(col, true, at);
      nodeCol = undefined;
    } else if (type === 'explicit-key-ind') {
      blockItem(col, false, at);
      nodeCol = undefined;
    } else if (type === 'map-value-ind') {
      const keyCol = nodeCol ?? col;
      blockItem(keyCol, false, lineStart + keyCol);
      nodeCol = undefined;
    } else {
      // A scalar, alias, anchor or tag: where a key would start, if a `:` follows on this line.
      nodeCol ??= col;
    }
  }
  return docs.map(({ marker, contentStart, deep }) => ({ marker, contentStart, deep }));
}
