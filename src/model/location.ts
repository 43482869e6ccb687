import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Location, NodePath, SourceFile, YamlDoc } from './types.js';

/** Where things are: a node path in a document, resolved to a line and column range of its file. */

/** Where a value of a built object was written: in the patch that set it, else in the object's own document. */
export function objectLocation(o: { doc: YamlDoc; docPath: NodePath; provenance?: Map<string, Location> }, path: NodePath): Location {
  if (o.provenance) {
    for (let n = path.length; n > 0; n--) {
      const at = o.provenance.get(JSON.stringify(path.slice(0, n)));
      if (at) return { doc: at.doc, path: [...at.path, ...path.slice(n)] };
    }
  }
  return { doc: o.doc, path: [...o.docPath, ...path] };
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
