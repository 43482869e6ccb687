import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, CLUSTER, REPO, fixtureCopy, lineOf, replaceOnce } from '../helpers.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as { runs: { using: string; steps: Step[] }; inputs: Record<string, unknown> };
const ci = parse(fs.readFileSync(path.join(REPO, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[]; strategy?: { matrix: { node: string[] } } }> };
const step = (name: string) => action.runs.steps.find((s) => s.name === name)!;

/**
 * Runs the action's own shell steps the way the runner does (bash -eo pipefail, the step's env, the runner's
 * files for outputs and the job summary), with ${{ }} inputs given as they would expand. The composite's `uses:`
 * steps (setup-node, upload-sarif) are GitHub's and are not run here.
 */
function runStep(name: string, cwd: string, env: Record<string, string>) {
  const s = step(name);
  expect(s.shell).toBe('bash');
  expect(s.run).not.toContain('${{');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('GitHub Action (action.yml)', () => {
  it('is a composite action that installs itself, lints, writes a summary, uploads SARIF and then fails', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.map((s) => s.name ?? s.uses)).toEqual(['actions/setup-node@v4', 'Install lint-gitops', 'Lint', 'Job summary', 'Diff', 'Pull-request comment', 'Upload SARIF to code scanning', 'Fail on findings']);
    expect(step('Install lint-gitops').run).toBe('npm ci --no-audit --no-fund');
    expect(step('Upload SARIF to code scanning')).toMatchObject({ uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: '${{ steps.lint.outputs.sarif-file }}' } });
    expect(step('Fail on findings').if).toBe("${{ steps.lint.outputs.exit-code != '0' }}");
  });

  it('annotates findings, writes SARIF and the exit code, and a job summary with the findings table and the sync-wave graph', () => {
    const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-action-'));
    // The workspace holds the Flux repo below it, as this repository holds fixtures/.
    const repo = fixtureCopy({ [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl') });
    fs.renameSync(repo, path.join(work, 'gitops'));
    const files = { output: path.join(work, 'output'), summary: path.join(work, 'summary.md') };
    for (const f of Object.values(files)) fs.writeFileSync(f, '');
    const env = {
      LINT_GITOPS: CLI,
      PATHS: `gitops/${CLUSTER}`,
      ARGS: '--rule unreferenced-file=off',
      RUNNER_TEMP: work,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
    };
    const line = lineOf(path.join(work, 'gitops'), wrapper, 'vautl');
    const message = "resources entry '../../../../flux-apps/vautl' does not exist (resolved to flux-apps/vautl); did you mean '../../../../flux-apps/vault'?";

    const lint = runStep('Lint', work, env);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toBe(
      `::error file=gitops/${wrapper},line=${line},col=5,endLine=${line},endColumn=32,title=path-not-found::${message}\n` + 'lint-gitops: 1 problem (1 error, 0 warnings)\n',
    );
    const sarifFile = path.join(work, 'lint-gitops.sarif');
    expect(fs.readFileSync(files.output, 'utf8')).toBe(`sarif-file=${sarifFile}\nexit-code=1\n`);
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
    expect(sarif.runs[0].results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri])).toEqual([
      ['path-not-found', `gitops/${wrapper}`],
    ]);

    const summary = runStep('Job summary', work, env);
    expect(summary.code).toBe(0);
    const md = fs.readFileSync(files.summary, 'utf8');
    expect(md).toContain(`| ❌ error | \`path-not-found\` | \`gitops/${wrapper}:${line}:5\` | ${message} |`);
    expect(md).toContain('### Sync waves\n\n```mermaid\nflowchart LR\n');
    expect(md).toMatch(/```\n$/);
  });
});

describe('CI workflow (.github/workflows/ci.yml)', () => {
  it('runs the README test command on every supported Node version, and lints the fixture with the local action', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe('>=20');
    expect(ci.jobs.test.strategy!.matrix.node).toEqual(['20', '22', '24']);
    expect(ci.jobs.test.steps.map((s) => s.run).filter(Boolean)).toContain('npm ci && npm test');
    expect(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')).toContain('npm ci && npm test');
    expect(ci.jobs['lint-fixture'].steps.find((s) => s.uses === './')).toMatchObject({ with: { paths: 'fixtures/flux-clusters/stefanzhelev' } });
  });
});
