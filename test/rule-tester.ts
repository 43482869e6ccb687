/**
 * A RuleTester in the spirit of ESLint's: a rule's valid and invalid cases are small trees written inline in its
 * test, each linted on its own in a temporary directory, asserting the exact findings of that rule.
 *
 *   ruleTester.run('suspended', {
 *     valid: [{ name: 'suspend: false', files: cluster({ 'clusters/test/apps.yaml': yaml`...` }) }],
 *     invalid: [{ name: 'suspend: true', files: cluster({ ... }), errors: [{ file, line, column, message }] }],
 *   });
 *
 * Imports lint-gitops only through its library API (src/index.ts), so moving files inside src/ does not break it.
 * docs/adding-a-rule.md tells a newcomer how to use it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, ruleById, type Diagnostic, type LintOptions, type Severity } from '../src/index.js';

/** A tree: repo-relative POSIX path → file content. Strings are dedented (see `dedent`); Buffers are written as they are. */
export type Files = Record<string, string | Buffer>;

/** Options a case may pass to lint() besides where to look (preset, rules, crossNamespacePolicy, external, ...). */
export type CaseOptions = Omit<Partial<LintOptions>, 'cwd' | 'root' | 'paths'>;

export interface ValidCase {
  /** The test's name; unique within the rule. */
  name: string;
  files: Files;
  /** Directories or files to lint, relative to the tree's root (default: the root, where discovery finds the clusters). */
  paths?: string[];
  options?: CaseOptions;
  /** Run this case alone (vitest's it.only), while writing it. */
  only?: boolean;
}

export interface ExpectedFinding {
  file: string;
  line: number;
  /** Checked when given. */
  column?: number;
  /** The exact message. */
  message: string;
  /** Checked when given. */
  severity?: Severity;
}

export interface InvalidCase extends ValidCase {
  /** Every finding of the rule, in the order lint() reports them (by file, line, column); never empty. */
  errors: ExpectedFinding[];
}

export interface RuleCases {
  valid: ValidCase[];
  invalid: InvalidCase[];
}

/** The cluster directory that `cluster()` writes; its Flux paths start at the tree's root. */
export const CLUSTER_DIR = 'clusters/test';

/**
 * Removes the indentation common to every non-blank line, the first line when it is blank, and the trailing spaces
 * of the last line, so YAML can be written indented inside a test. Tabs count as one column each.
 */
export function dedent(text: string): string {
  let lines = text.split('\n');
  if (lines.length > 1 && lines[0].trim() === '') lines = lines.slice(1);
  if (lines.length > 1 && lines[lines.length - 1].trim() === '') lines[lines.length - 1] = '';
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, /^[ \t]*/.exec(l)![0].length))).join('\n');
}

/** A template tag for inline YAML: `yaml\`...\`` is the dedented text (interpolations included). */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  return dedent(strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), ''));
}

/** What helmRelease() varies; the defaults are a HelmRelease `default/podinfo` of a HelmRepository beside it. */
export interface HelmReleaseOptions {
  apiVersion?: string;
  /** The HelmRelease's namespace (and the HelmRepository's, unless sourceNamespace is given). */
  namespace?: string;
  /** The HelmRepository the chart's sourceRef names. */
  repository?: string;
  /** The HelmRepository's namespace, also written in the sourceRef. */
  sourceNamespace?: string;
  /** Lines appended to the HelmRelease's spec (indented by two spaces). */
  spec?: string;
}

/**
 * One file with a HelmRepository `podinfo` and a HelmRelease `podinfo` of its chart. Line numbers are fixed: the
 * HelmRelease starts at line 10, its sourceRef name is on line 22, and `spec` lines follow (from line 23, or 24
 * after a sourceRef namespace).
 */
export function helmRelease({ apiVersion = 'helm.toolkit.fluxcd.io/v2', namespace = 'default', repository = 'podinfo', sourceNamespace, spec = '' }: HelmReleaseOptions = {}): string {
  const release = yaml`
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: HelmRepository
    metadata:
      name: podinfo
      namespace: ${sourceNamespace ?? namespace}
    spec:
      interval: 1h
      url: https://stefanprodan.github.io/podinfo
    ---
    apiVersion: ${apiVersion}
    kind: HelmRelease
    metadata:
      name: podinfo
      namespace: ${namespace}
    spec:
      interval: 30m
      chart:
        spec:
          chart: podinfo
          sourceRef:
            kind: HelmRepository
            name: ${repository}
  `;
  return release + (sourceNamespace !== undefined ? `        namespace: ${sourceNamespace}\n` : '') + spec;
}

/**
 * The smallest Flux cluster `flux bootstrap` would leave, as a tree: `clusters/test/flux-system/` with a GitRepository
 * of this repository and the flux-system Kustomization that applies `./clusters/test` (no gotk-components.yaml:
 * lint-gitops bundles the Flux schemas), plus `extra` files. Flux builds a folder without a kustomization.yaml from
 * every manifest below it, so a file dropped in `clusters/test/` is applied by flux-system.
 * https://fluxcd.io/flux/installation/bootstrap/ and https://fluxcd.io/flux/components/kustomize/kustomizations/#path
 */
export function cluster(extra: Files = {}): Files {
  return {
    [`${CLUSTER_DIR}/flux-system/gotk-sync.yaml`]: yaml`
      apiVersion: source.toolkit.fluxcd.io/v1
      kind: GitRepository
      metadata:
        name: flux-system
        namespace: flux-system
      spec:
        interval: 1m0s
        ref:
          branch: main
        url: ssh://git@github.com/example/fleet
      ---
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata:
        name: flux-system
        namespace: flux-system
      spec:
        interval: 10m0s
        path: ./${CLUSTER_DIR}
        prune: true
        sourceRef:
          kind: GitRepository
          name: flux-system
    `,
    [`${CLUSTER_DIR}/flux-system/kustomization.yaml`]: yaml`
      apiVersion: kustomize.config.k8s.io/v1beta1
      kind: Kustomization
      resources:
        - gotk-sync.yaml
    `,
    ...extra,
  };
}

/**
 * A Flux Kustomization of the flux-system GitRepository, as YAML text, for a file of the cluster: `spec` lines
 * (indented two spaces, after sourceRef) are appended. Its lines: `spec:` is line 6, `path:` line 8, the `spec` lines
 * given start at line 13.
 */
export function fluxKustomization(name: string, dir: string, spec = '', namespace = 'flux-system'): string {
  const extra = dedent(spec)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `  ${l}\n`)
    .join('');
  return yaml`
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: ${name}
      namespace: ${namespace}
    spec:
      interval: 10m
      path: ${dir}
      prune: true
      sourceRef:
        kind: GitRepository
        name: flux-system
  ` + extra;
}

/** Writes a tree into a new temporary directory and returns it. */
export function writeTree(files: Files): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-rt-'));
  for (const [rel, content] of Object.entries(files)) {
    if (path.isAbsolute(rel) || rel.split('/').includes('..')) throw new Error(`tree path must stay inside the tree: ${rel}`);
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? dedent(content) : content);
  }
  return root;
}

/** The findings of `ruleId` when every rule runs over the case's tree (as the CLI would run them). */
export function findingsOf(ruleId: string, c: ValidCase): Diagnostic[] {
  if (!ruleById(ruleId)) throw new Error(`no rule '${ruleId}' in the registry (src/rules/index.ts)`);
  const root = writeTree(c.files);
  try {
    const paths = (c.paths ?? ['.']).map((p) => path.join(root, p));
    const result = lint({ ...c.options, paths, cwd: root, root, model: false });
    return result.diagnostics.filter((d) => d.ruleId === ruleId);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The findings, shaped like the expected ones (column and severity only where the expectation names them). */
function shape(found: Diagnostic[], expected: ExpectedFinding[]): ExpectedFinding[] {
  return found.map((d, i) => {
    const e = expected[i];
    return {
      file: d.file,
      line: d.line,
      ...(e?.column !== undefined ? { column: d.column } : {}),
      message: d.message,
      ...(e?.severity !== undefined ? { severity: d.severity } : {}),
    };
  });
}

/** The findings in full, one a line, ready to paste into `errors` once checked (vitest's diff elides long messages). */
function listed(found: Diagnostic[]): string {
  if (found.length === 0) return 'none';
  return found
    .map((d) => `\n  { file: ${JSON.stringify(d.file)}, line: ${d.line}, column: ${d.column}, severity: '${d.severity}', message: ${JSON.stringify(d.message)} },`)
    .join('');
}

/** Throws unless the rule reports nothing for the case. */
export function checkValid(ruleId: string, c: ValidCase): void {
  const found = findingsOf(ruleId, c);
  expect(shape(found, []), `${ruleId} must report nothing for '${c.name}'; found ${listed(found)}`).toEqual([]);
}

/** Throws unless the rule reports exactly the case's errors, in order; an invalid case without errors is refused. */
export function checkInvalid(ruleId: string, c: InvalidCase): void {
  if (!c.errors || c.errors.length === 0) throw new Error(`invalid case '${c.name}' of ${ruleId} lists no errors: it could not fail`);
  const found = findingsOf(ruleId, c);
  expect(shape(found, c.errors), `findings of ${ruleId} for '${c.name}': ${listed(found)}`).toEqual(c.errors);
}

export const ruleTester = {
  /** One vitest test per case, under `describe(ruleId)`. */
  run(ruleId: string, cases: RuleCases): void {
    describe(ruleId, () => {
      if (!ruleById(ruleId)) throw new Error(`no rule '${ruleId}' in the registry (src/rules/index.ts)`);
      const names = new Set<string>();
      for (const c of [...cases.valid, ...cases.invalid]) {
        if (names.has(c.name)) throw new Error(`two cases of ${ruleId} are named '${c.name}'`);
        names.add(c.name);
      }
      for (const c of cases.valid) (c.only ? it.only : it)(`valid: ${c.name}`, () => checkValid(ruleId, c));
      for (const c of cases.invalid) (c.only ? it.only : it)(`invalid: ${c.name}`, () => checkInvalid(ruleId, c));
    });
  },
};
