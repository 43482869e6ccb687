import type { Diagnostic } from '../model/diagnostic.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { toRange } from '../model/location.js';
import { type SourceFile } from '../model/types.js';

/**
 * Which findings a change introduced and which it resolved. Two findings are the same when their rule, their object
 * and their message are: not their line, which moves whenever something above it is edited, and not their file when
 * the object is known (a renamed file keeps its findings). The object is the Kubernetes object of the YAML document
 * the finding points into (`Kind namespace/name` as written, with its API group); a finding in a file that is no
 * object (a kustomization.yaml, a file no one references) is anchored at its file. Messages are compared with the
 * positions they quote left out (`file.yaml:12`, `line 12`). Equal keys are matched one for one: a third copy of a
 * finding the base had twice is new.
 */
export interface FindingsChange {
  /** Head findings the base did not have. */
  introduced: Diagnostic[];
  /** Base findings the head does not have (their files and lines are the base's). */
  resolved: Diagnostic[];
  /** Head findings the base had too. */
  unchanged: Diagnostic[];
}

export function matchFindings(
  base: readonly Diagnostic[],
  baseFiles: ReadonlyMap<string, SourceFile>,
  head: readonly Diagnostic[],
  headFiles: ReadonlyMap<string, SourceFile>,
): FindingsChange {
  const pool = new Map<string, Diagnostic[]>();
  const baseKey = keyer(baseFiles);
  for (const d of base) {
    const k = baseKey(d);
    const list = pool.get(k);
    if (list) list.push(d);
    else pool.set(k, [d]);
  }
  const headKey = keyer(headFiles);
  const introduced: Diagnostic[] = [];
  const unchanged: Diagnostic[] = [];
  for (const d of head) {
    const list = pool.get(headKey(d));
    if (list && list.length > 0) {
      list.shift();
      unchanged.push(d);
    } else introduced.push(d);
  }
  const left = new Set([...pool.values()].flat());
  return { introduced, resolved: base.filter((d) => left.has(d)), unchanged };
}

/** The matching key of a finding: rule, anchor (object or file), message without positions. */
export function keyer(files: ReadonlyMap<string, SourceFile>): (d: Diagnostic) => string {
  const anchors = new Map<string, Array<{ line: number; anchor: string | undefined }>>();
  return (d) => {
    let docs = anchors.get(d.file);
    if (!docs) {
      docs = documentAnchors(files.get(d.file));
      anchors.set(d.file, docs);
    }
    let anchor: string | undefined;
    for (const doc of docs) if (doc.line <= d.line) anchor = doc.anchor;
    return `${d.ruleId}\0${anchor ?? `file ${d.file}`}\0${normalizeMessage(d.message)}`;
  };
}

/** Each document's first line and the object it holds, in order. */
function documentAnchors(file: SourceFile | undefined): Array<{ line: number; anchor: string | undefined }> {
  if (!file) return [];
  const out: Array<{ line: number; anchor: string | undefined }> = [];
  for (const doc of file.docs) {
    let line = 1;
    try {
      const range = doc.ast?.range;
      if (range) line = toRange(file, range[0], range[0]).line;
    } catch {
      // No syntax tree: the document counts from the top of the file.
    }
    out.push({ line, anchor: objectAnchor(doc.value) });
  }
  return out;
}

export function objectAnchor(value: unknown): string | undefined {
  if (!isObject(value) || typeof value.kind !== 'string' || !isObject(value.metadata) || typeof value.metadata.name !== 'string') return undefined;
  const group = typeof value.apiVersion === 'string' ? splitApiVersion(value.apiVersion)[0] : '';
  const ns = typeof value.metadata.namespace === 'string' ? `${value.metadata.namespace}/` : '';
  return `${group ? `${group} ` : ''}${value.kind} ${ns}${value.metadata.name}`;
}

/** A message without the positions it quotes: they move with unrelated edits. */
export function normalizeMessage(message: string): string {
  return message.replace(/(\.ya?ml):\d+(?::\d+)?/gi, '$1').replace(/\bline \d+(?::\d+)?/g, 'line N');
}
