import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diff } from '../../src/diff/index.js';
import type { DiffResult } from '../../src/model/diff.js';
import { formatDiffJson } from '../../src/report/diff-json.js';
import { formatDiffMarkdown } from '../../src/report/diff-markdown.js';
import { formatDiffStylish } from '../../src/report/diff-stylish.js';
import { CLUSTER, fixtureCopy } from '../helpers.js';
import type { Variant } from './variants.js';

/** A base and a head of a variant side by side (`<tmp>/base`, `<tmp>/head`): the head names its base `../base`. */
export function variantTrees(v: Variant): { base: string; head: string } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-diff-'));
  const base = path.join(parent, 'base');
  const head = path.join(parent, 'head');
  fs.renameSync(fixtureCopy(v.base ?? {}), base);
  fs.renameSync(fixtureCopy(v.head), head);
  return { base, head };
}

export async function diffTrees(head: string, base: { dir: string } | { ref: string }, options: { reuse?: boolean } = {}): Promise<DiffResult> {
  return diff({ paths: [path.join(head, CLUSTER)], cwd: head, base, ...options });
}

/** Every format of a result, as the CLI prints them without colour. */
export function formats(r: DiffResult): { stylish: string; markdown: string; json: string } {
  return { stylish: formatDiffStylish(r, { color: false }), markdown: formatDiffMarkdown(r), json: formatDiffJson(r) };
}
