import { stringify } from 'yaml';
import type { DiffNode, Leaf } from '../model/diff.js';

/** One line of a field-level YAML diff: ' ' context (the keys on the way), '-' before, '+' after, '~' a secret changed. */
export interface DiffLine {
  sign: ' ' | '-' | '+' | '~';
  text: string;
}

/**
 * A diff tree (src/diff/values.ts) as YAML: the keys and list items on the way to each change as context, the
 * values before (-) and after (+) in YAML, indented as in the object. A list item is named by its `name` when it
 * has one (`- name: app`), else by its position (`- # [2]`). A secret value is never printed: its line says
 * `(secret value changed)`, `(secret value added)` or `(secret value removed)`.
 */
export function diffYaml(node: DiffNode, indent = 0): DiffLine[] {
  const out: DiffLine[] = [];
  render(node, indent, out);
  return out;
}

function render(node: DiffNode, indent: number, out: DiffLine[]): void {
  const pad = ' '.repeat(indent);
  if (node.type === 'map') {
    for (const { key, node: child } of node.entries) {
      const k = `${scalar(key)}:`;
      if (child.type === 'leaf') leaf(child, (v) => keyed(pad, k, v), pad, k, out);
      else {
        out.push({ sign: ' ', text: `${pad}${k}` });
        render(child, indent + 2, out);
      }
    }
    return;
  }
  if (node.type === 'seq') {
    for (const item of node.items) {
      if (item.node.type === 'leaf') leaf(item.node, (v) => listed(pad, v), pad, '-', out);
      else {
        out.push({ sign: ' ', text: `${pad}- ${item.label ?? `# [${item.index}]`}` });
        render(item.node, indent + 2, out);
      }
    }
    return;
  }
  leaf(node, (v) => yamlLines(v).map((l) => pad + l), pad, '', out);
}

function leaf(l: Leaf, show: (v: unknown) => string[], pad: string, head: string, out: DiffLine[]): void {
  if (l.secret) {
    out.push({ sign: l.change === 'changed' ? '~' : l.change === 'added' ? '+' : '-', text: `${pad}${head ? `${head} ` : ''}(secret value ${l.change})` });
    return;
  }
  if (l.change !== 'added') for (const text of show(l.before)) out.push({ sign: '-', text });
  if (l.change !== 'removed') for (const text of show(l.after)) out.push({ sign: '+', text });
}

/** `key: value`, or `key:` and the value's lines below it. */
function keyed(pad: string, key: string, v: unknown): string[] {
  const lines = yamlLines(v);
  if (lines.length === 1 && !isBlock(v)) return [`${pad}${key} ${lines[0]}`];
  if (!isBlock(v)) return [`${pad}${key} ${lines[0]}`, ...lines.slice(1).map((l) => `${pad}${l}`)];
  return [`${pad}${key}`, ...lines.map((l) => `${pad}  ${l}`)];
}

/** `- value`, the value's further lines indented under it. */
function listed(pad: string, v: unknown): string[] {
  const lines = yamlLines(v);
  return [`${pad}- ${lines[0]}`, ...lines.slice(1).map((l) => `${pad}  ${l}`)];
}

/** A non-empty map or list: YAML writes it on lines of its own. */
function isBlock(v: unknown): boolean {
  return (Array.isArray(v) && v.length > 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0);
}

function yamlLines(v: unknown): string[] {
  if (v === undefined) return ['null'];
  return stringify(v, { lineWidth: 0 }).replace(/\n$/, '').split('\n');
}

function scalar(key: string): string {
  return stringify(key, { lineWidth: 0 }).replace(/\n$/, '');
}
