import { CST, Lexer, LineCounter, isCollection, isMap, isPair, isScalar, isSeq, parse, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import type { FileProblem, Location, SourceFile, YamlDoc, YamlProblem } from './types.js';

/** An alias expanding into more nodes than this is a "billion laughs" bomb, not configuration. */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Collections nested deeper than this are reported, not read. No manifest nests a tenth as deep (a CRD schema
 * reaches about 20), and the parser and every recursive step after it would otherwise exhaust the stack.
 */
export const MAX_YAML_DEPTH = 256;

/** More documents than this in one file are reported, not parsed: the parser slows down badly past it. */
export const MAX_DOCUMENTS = 10_000;

export function unreadableFile(path: string, problem: FileProblem): SourceFile {
  return { path, text: '', lineCounter: new LineCounter(), docs: [], problem, roles: new Set() };
}

/** Parses every document of a file, keeping the AST for positions and the JS value for rules. */
export function parseYamlFile(path: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const file: SourceFile = { path, text, lineCounter, docs: [], roles: new Set() };
  const starts = countDocumentStarts(text);
  if (starts > MAX_DOCUMENTS) {
    file.problem = { kind: 'unreadable', reason: `${starts} YAML documents, over the limit of ${MAX_DOCUMENTS}; it was not parsed` };
    return file;
  }
  let parsed: Document.Parsed[];
  let tooDeep = new Map<number, number>();
  try {
    parsed = parseDocuments(text, lineCounter);
    if (parsed.some((d) => d.errors.some((e) => isStackOverflow(e.message)))) throw new RangeError('Maximum call stack size exceeded');
  } catch (e) {
    if (!isStackOverflow((e as Error).message)) throw e;
    // The parser recurses, and nesting far past MAX_YAML_DEPTH exhausts the stack, wherever the stack happens to
    // end. Parse again with each too-deep document blanked out (same length, same line breaks, so every offset and
    // line stays true): the other documents are still read, and the finding sits at the first collection past the
    // limit, found by the CST parser (which does not recurse), whatever the stack size.
    const blanked = blankTooDeep(text);
    tooDeep = blanked.deepAt;
    try {
      file.lineCounter = new LineCounter();
      parsed = parseDocuments(blanked.text, file.lineCounter);
    } catch (e2) {
      file.problem = { kind: 'unreadable', reason: `YAML parser gave up: ${(e2 as Error).message}` };
      return file;
    }
    if (parsed.some((d) => d.errors.some((e2) => isStackOverflow(e2.message)))) {
      file.problem = { kind: 'unreadable', reason: 'YAML parser gave up: Maximum call stack size exceeded' };
      return file;
    }
  }
  parsed.forEach((ast, index) => {
    const problems: YamlProblem[] = ast.errors.map((e) => ({
      code: e.code,
      message: e.message.split('\n')[0],
      start: e.pos[0],
      end: e.pos[1],
    }));
    const walked = walkDocument(ast);
    const deepAt = tooDeep.get(index) ?? walked.deepAt;
    if (deepAt !== undefined) {
      problems.push({ code: 'DEPTH_LIMIT', message: `YAML nests deeper than ${MAX_YAML_DEPTH} levels`, start: deepAt, end: deepAt + 1 });
    }
    problems.push(...walked.duplicates);
    let value: unknown;
    if (!problems.some((p) => p.code !== 'DUPLICATE_KEY')) {
      try {
        value = ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        const [start, end] = ast.range;
        problems.push({ code: 'ALIAS_LIMIT', message: (e as Error).message, start, end });
      }
    }
    file.docs.push({ file, index, ast, value, problems });
  });
  // A file holding only comments or `---` parses into one empty document; that is fine, not a problem.
  return file;
}

/**
 * Parses a YAML string written inside a file (an inline patch) with the same guards as a file: no quadratic
 * duplicate-key check, the alias limit, no warnings on stderr. Throws on any error, as `parse` does.
 */
export function parseInline(text: string): unknown {
  return parse(text, { uniqueKeys: false, maxAliasCount: MAX_ALIAS_COUNT, logLevel: 'error' });
}

/** Lines starting with `---`: a document marker can never be content at column 0, so this counts documents. */
export function countDocumentStarts(text: string): number {
  let n = 0;
  for (let i = text.indexOf('---'); i >= 0; i = text.indexOf('---', i + 3)) {
    const after = text.charCodeAt(i + 3);
    if ((i === 0 || text[i - 1] === '\n') && (Number.isNaN(after) || after === 0x20 || after === 0x0a || after === 0x0d || after === 0x09)) n++;
  }
  return n;
}

/**
 * One iterative pass over a document: where it first nests deeper than MAX_YAML_DEPTH, and every repeated key
 * (same scalar value, as the parser's uniqueKeys compares them) for yaml-duplicate-key.
 */
function walkDocument(ast: Document.Parsed): { deepAt?: number; duplicates: YamlProblem[] } {
  const duplicates: YamlProblem[] = [];
  let deepAt: number | undefined;
  const stack: [unknown, number][] = [[ast.contents, 0]];
  while (stack.length > 0) {
    const [node, parentDepth] = stack.pop()!;
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
        const id = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id) && key.range) {
          duplicates.push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', start: key.range[0], end: key.range[1] });
        }
        seen.add(id);
      } else stack.push([key, depth]);
      stack.push([item.value, depth]);
    }
  }
  return { deepAt, duplicates: duplicates.sort((a, b) => a.start - b.start) };
}

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

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  start: number;
  end: number;
}

/**
 * Resolves a node path to a source range. A path that goes missing (a required field that is absent)
 * points at its deepest existing parent; a collection is pointed at by its key, or by its first line.
 */
export function locate(loc: Location): Range {
  const { doc } = loc;
  let node = doc.ast.contents as Node | null;
  let viaPair: Pair | undefined;
  for (const seg of loc.path) {
    if (isMap(node)) {
      const found = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!found) break;
      viaPair = found as Pair;
      node = viaPair.value as Node | null;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      viaPair = undefined;
      node = node.items[seg] as Node;
    } else {
      break;
    }
  }
  const keyRange = (viaPair?.key as Node | undefined)?.range;
  let range: [number, number] | undefined;
  if (loc.key && keyRange) range = [keyRange[0], keyRange[1]];
  else if (node?.range && !isMap(node) && !isSeq(node)) range = [node.range[0], node.range[1]];
  else if (keyRange) range = [keyRange[0], keyRange[1]];
  else if (node?.range) range = [node.range[0], lineEnd(doc.file.text, node.range[0], node.range[1])];
  else range = [doc.ast.range[0], doc.ast.range[0]];
  return toRange(doc.file, range[0], range[1]);
}

function lineEnd(text: string, start: number, limit: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? Math.min(limit, text.length) : Math.min(nl, limit);
}

export function toRange(file: SourceFile, start: number, end: number): Range {
  // The parser reports an error at the end of input one character past it: keep ranges inside the file.
  start = Math.max(0, Math.min(start, file.text.length));
  end = Math.max(start, Math.min(end, file.text.length));
  const s = file.lineCounter.linePos(start);
  let endOffset = end;
  // A range that ends at a newline ends on its own line, not at column 1 of the next one.
  while (endOffset > start && (file.text[endOffset - 1] === '\n' || file.text[endOffset - 1] === '\r')) endOffset--;
  const e = file.lineCounter.linePos(endOffset);
  // An empty file has no lines in the counter; findings still point at 1:1.
  return { line: Math.max(1, s.line), column: Math.max(1, s.col), endLine: Math.max(1, e.line), endColumn: Math.max(1, e.col), start, end: endOffset };
}
