import fs from 'node:fs';
import path from 'node:path';

/** 1-based line of the first `needle` after `anchor` in a repo file: the `dependsOn:` of one Kustomization in apps.yaml. */
export function lineAfter(root: string, rel: string, anchor: string, needle: string): number {
  const text = fs.readFileSync(path.join(root, rel), 'utf8');
  const a = text.indexOf(anchor);
  if (a < 0) throw new Error(`${anchor} not found in ${rel}`);
  const at = text.indexOf(needle, a);
  if (at < 0) throw new Error(`${needle} not found after ${anchor} in ${rel}`);
  return text.slice(0, at).split('\n').length;
}

/** The whole Kustomization document of apps.yaml named `name`, for a mutation that must touch only it. */
export function appDoc(name: string): string {
  return `kind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n`;
}
