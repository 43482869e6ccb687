import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node, type Pair } from 'yaml';
import type { FileProblem, Location, SourceFile, YamlDoc, YamlProblem } from './types.js';

/** An alias expanding into more nodes than this is a "billion laughs" bomb, not configuration. */
export const MAX_ALIAS_COUNT = 1000;

export function unreadableFile(path: string, problem: FileProblem): SourceFile {
  return { path, text: '', lineCounter: new LineCounter(), docs: [], problem, roles: new Set() };
}

/** Parses every document of a file, keeping the AST for positions and the JS value for rules. */
export function parseYamlFile(path: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const file: SourceFile = { path, text, lineCounter, docs: [], roles: new Set() };
  let parsed;
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (e) {
    // The parser recurses; absurd nesting can exhaust the stack. That is the file's problem, not ours.
    file.problem = { kind: 'unreadable', reason: `YAML parser gave up: ${(e as Error).message}` };
    return file;
  }
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  docs.forEach((ast, index) => {
    const problems: YamlProblem[] = ast.errors.map((e) => ({
      code: e.code,
      message: e.message.split('\n')[0],
      start: e.pos[0],
      end: e.pos[1],
    }));
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
