import { EVENT_ID, getScalarValue, type Event } from 'js-yaml';
import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * Syntax trees for a file too large for the `yaml` Document parser (MAX_FULL_PARSE_BYTES, src/load/parse/yaml-file.ts),
 * built from the events of the fast path, which has already read the file's values: maps, sequences, pairs and
 * scalars with their source ranges, scalar values as written (a key `1` is '1', compared as a string anyway). They
 * answer what rules ask of a tree (where a node path is, src/load/parse/yaml-file.ts locate), not what `yaml` would give
 * for tags or styles.
 */
export function lightDocuments(text: string, events: Event[]): Document.Parsed[] {
  const docs: Document.Parsed[] = [];
  type Open = { node: YAMLMap | YAMLSeq; key?: Scalar | YAMLMap | YAMLSeq | null; last: number };
  const stack: Open[] = [];
  let doc: Document.Parsed | undefined;
  let docStart = 0;
  let last = 0;

  const attach = (node: Scalar | YAMLMap | YAMLSeq, end: number) => {
    last = Math.max(last, end);
    const top = stack[stack.length - 1];
    if (!top) {
      if (doc) doc.contents = node as unknown as Document.Parsed['contents'];
      return;
    }
    top.last = Math.max(top.last, end);
    if (top.node instanceof YAMLSeq) top.node.items.push(node);
    else if (top.key === undefined) top.key = node;
    else {
      top.node.items.push(new Pair(top.key, node));
      top.key = undefined;
    }
  };
  const finishDoc = () => {
    if (!doc) return;
    doc.range = [docStart, last, last];
    docs.push(doc);
    doc = undefined;
  };

  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        finishDoc();
        doc = new Document() as Document.Parsed;
        doc.contents = null;
        docStart = last;
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        const node = e.type === EVENT_ID.SEQUENCE ? new YAMLSeq() : new YAMLMap();
        node.range = [e.start, e.start, e.start];
        if (stack.length === 0 && doc && doc.contents === null) docStart = Math.min(docStart, e.start);
        stack.push({ node, last: e.start });
        break;
      }
      case EVENT_ID.SCALAR: {
        const start = e.valueStart >= 0 ? e.valueStart : last;
        const end = e.valueEnd >= 0 ? e.valueEnd : start;
        const node = new Scalar(e.valueStart >= 0 ? getScalarValue(text, e) : null);
        node.range = [start, end, end];
        attach(node, end);
        break;
      }
      case EVENT_ID.POP: {
        const open = stack.pop();
        if (!open) {
          finishDoc();
          break;
        }
        const end = Math.max(open.last, open.node.range![0] + 1);
        open.node.range = [open.node.range![0], end, end];
        attach(open.node, end);
        break;
      }
    }
  }
  finishDoc();
  return docs;
}

/** Line starts of a text, as the `yaml` parser records them. */
export function lineCounterOf(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  return lc;
}
