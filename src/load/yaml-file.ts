import { LineCounter, Parser, isCollection, isMap, isPair, isScalar, isSeq, parse, parseAllDocuments, type CST, type Document, type Node, type Pair } from 'yaml';
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
  let parsed;
  try {
    // Duplicate keys are found below in one pass: the parser's own check (uniqueKeys) is quadratic in a map's size.
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true, logLevel: 'error' });
  } catch (e) {
    // The parser recurses; absurd nesting can exhaust the stack. That is the file's problem, not ours.
    file.problem = { kind: 'unreadable', reason: `YAML parser gave up: ${(e as Error).message}` };
    return file;
  }
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  let deepInText: number[] | undefined;
  docs.forEach((ast, index) => {
    let problems: YamlProblem[] = ast.errors.map((e) => ({
      code: e.code,
      message: e.message.split('\n')[0],
      start: e.pos[0],
      end: e.pos[1],
    }));
    // Past the parser's stack it reports "Maximum call stack size exceeded" wherever it stopped; report the
    // limit instead, at the first collection past it, so the finding does not depend on the stack size.
    const overflowed = problems.some((p) => /call stack/i.test(p.message));
    const walked = overflowed ? undefined : walkDocument(ast);
    let deepAt = walked?.deepAt;
    if (overflowed) {
      deepInText ??= deepCollections(text);
      const [s, , e] = ast.range;
      deepAt = deepInText.find((o) => o >= s && o <= e) ?? problems.find((p) => /call stack/i.test(p.message))!.start;
    }
    if (deepAt !== undefined) {
      problems = problems.filter((p) => !/call stack/i.test(p.message));
      problems.push({ code: 'DEPTH_LIMIT', message: `YAML nests deeper than ${MAX_YAML_DEPTH} levels`, start: deepAt, end: deepAt + 1 });
    }
    if (walked) problems.push(...walked.duplicates);
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

/** Offsets of the collections that sit deeper than MAX_YAML_DEPTH, from the CST (whose parser does not recurse). */
function deepCollections(text: string): number[] {
  const out: number[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    const stack: [CST.Token | undefined, number][] = [[token.value, 0]];
    while (stack.length > 0) {
      const [t, parentDepth] = stack.pop()!;
      if (!t || (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection')) continue;
      const depth = parentDepth + 1;
      if (depth > MAX_YAML_DEPTH) {
        out.push(t.offset);
        continue;
      }
      for (const item of t.items) {
        if ('key' in item) stack.push([item.key ?? undefined, depth]);
        stack.push([item.value, depth]);
      }
    }
  }
  return out.sort((a, b) => a - b);
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
  const s = file.lineCounter.linePos(start);
  let endOffset = end;
  // A range that ends at a newline ends on its own line, not at column 1 of the next one.
  while (endOffset > start && (file.text[endOffset - 1] === '\n' || file.text[endOffset - 1] === '\r')) endOffset--;
  const e = file.lineCounter.linePos(endOffset);
  // An empty file has no lines in the counter; findings still point at 1:1.
  return { line: Math.max(1, s.line), column: Math.max(1, s.col), endLine: Math.max(1, e.line), endColumn: Math.max(1, e.col), start, end: endOffset };
}
