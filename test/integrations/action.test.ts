import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLUSTER, REPO, fixtureCopy, lineOf, replaceOnce } from '../helpers.js';
import { installOffline, pack } from './package.js';

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
 * The command the action's steps run: the package as `npm pack` makes it, installed into an empty project (offline,
 * from npm's cache: see ./package.ts), or, where that cannot be done, the same build from dist/ (with the reason
 * printed). The action's own install step needs the registry: it runs only where the registry answers.
 */
let bin: string;
let tarball: string;
beforeAll(() => {
  tarball = pack().tarball;
  const installed = installOffline(tarball);
  if ('skip' in installed) console.warn(`the action's steps run dist/bin/lint-gitops.js instead of the installed package: ${installed.skip}`);
  bin = 'skip' in installed ? path.join(REPO, 'dist/bin/lint-gitops.js') : installed.bin;
}, 300_000);

/**
 * Runs the action's own shell steps the way the runner does (bash -eo pipefail, the step's env, the runner's
 * files for outputs and the job summary), with ${{ }} inputs given as they would expand. The composite's `uses:`
 * step (upload-sarif) is GitHub's and is not run here.
 */
function runStep(name: string, cwd: string, env: Record<string, string>) {
  const s = step(name);
  expect(s.shell).toBe('bash');
  expect(s.run).not.toContain('${{');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('GitHub Action (action.yml)', () => {
  it('is a composite action that installs the package, lints, writes a summary, uploads SARIF and then fails', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.map((s) => s.name ?? s.uses)).toEqual(['Install lint-gitops', 'Lint', 'Job summary', 'Diff', 'Pull-request comment', 'Upload SARIF to code scanning', 'Fail on findings']);
    // The job's Node.js is left alone: no setup-node, no node-version input.
    expect(action.runs.steps.filter((s) => s.uses?.startsWith('actions/setup-node'))).toEqual([]);
    expect(Object.keys(action.inputs)).toEqual(['paths', 'args', 'upload-sarif', 'sarif-category', 'summary', 'package', 'diff', 'new-only', 'base', 'github-token']);
    // No build from source: the package is installed, and each step runs the installed command.
    expect(step('Install lint-gitops').run).not.toMatch(/npm (ci|run build)|tsc/);
    expect(step('Install lint-gitops').run).toMatch(/npm install --prefix "\$dir" .*"\$spec"/);
    for (const name of ['Lint', 'Job summary', 'Diff']) expect(step(name).env!.LINT_GITOPS).toBe('${{ steps.install.outputs.bin }}');
    // The arguments reach graph as well as the lint.
    expect(step('Job summary').run).toContain('graph $PATHS $ARGS --format mermaid');
    expect(step('Upload SARIF to code scanning')).toMatchObject({ uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: '${{ steps.lint.outputs.sarif-file }}' } });
    expect(step('Fail on findings').if).toBe("${{ steps.lint.outputs.exit-code != '0' }}");
  });

  it('installs the package with the job\'s Node.js, from a tarball given as `package`', (ctx) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-action-'));
    const output = path.join(work, 'output');
    fs.writeFileSync(output, '');
    const env = { PACKAGE: tarball, ACTION_PATH: REPO, RUNNER_TEMP: work, GITHUB_OUTPUT: output, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
    const r = runStep('Install lint-gitops', work, env);
    if (r.code !== 0 && /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(r.stderr)) {
      console.warn(`skipping the action's install step: npm needs the registry for it (${r.stderr.trim().split('\n').pop()})`);
      return ctx.skip();
    }
    expect(r.code, r.stderr).toBe(0);
    const installed = path.join(work, 'lint-gitops-action/node_modules/.bin/lint-gitops');
    expect(fs.readFileSync(output, 'utf8')).toBe(`bin=${installed}\npackage-dir=${path.join(work, 'lint-gitops-action/node_modules/lint-gitops')}\n`);
    // The pull-request comment script ships in the package.
    expect(fs.existsSync(path.join(work, 'lint-gitops-action/node_modules/lint-gitops/dist/github/pr-comment.js'))).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(spawnSync(process.execPath, [installed, '--version'], { encoding: 'utf8' }).stdout).toBe(`${pkg.version}\n`);
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
      LINT_GITOPS: bin,
      PATHS: `gitops/${CLUSTER}`,
      // Lint options graph does not need: it accepts them (an older graph failed on them, leaving an empty chart).
      ARGS: '--rule unreferenced-file=off --max-warnings 5',
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
    expect(md).toContain('### Sync waves\n\n```mermaid\nflowchart LR\n  subgraph wave_1["Wave 1"]\n');
    expect(md).toMatch(/```\n$/);
  });
});

describe('CI workflow (.github/workflows/ci.yml)', () => {
  it('runs the README test command on every supported Node version, and lints the fixture with the local action and this commit', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe('>=20');
    expect(ci.jobs.test.strategy!.matrix.node).toEqual(['20', '22', '24']);
    expect(ci.jobs.test.steps.map((s) => s.run).filter(Boolean)).toContain('npm ci && npm test');
    expect(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')).toContain('npm ci && npm test');
    const steps = ci.jobs['lint-fixture'].steps;
    const packStep = steps.find((s) => s.id === 'pack');
    expect(packStep?.run).toContain('npm pack --ignore-scripts');
    expect(steps.find((s) => s.uses === './')).toMatchObject({ with: { paths: 'fixtures/flux-clusters/stefanzhelev', package: '${{ steps.pack.outputs.tarball }}' } });
    // setup-node comes before the action in the workflow (the job's choice), never inside it.
    expect(steps.findIndex((s) => s.uses === 'actions/setup-node@v4')).toBeLessThan(steps.findIndex((s) => s.uses === './'));
  });
});
