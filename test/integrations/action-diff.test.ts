import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, CLUSTER, REPO } from '../helpers.js';
import { commitTree, initRepo } from '../diff/git-history.js';
import { variantTrees } from '../diff/trees.js';
import { VARIANTS } from '../diff/variants.js';

interface Step {
  name?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as { runs: { steps: Step[] }; inputs: Record<string, { default?: string }> };
const step = (name: string) => action.runs.steps.find((s) => s.name === name)!;
const PR_COMMENT = path.join(REPO, 'dist', 'github', 'pr-comment.js');

/** Runs one of the action's bash steps as the runner does (bash -eo pipefail, the step's env with inputs expanded). */
function runStep(name: string, cwd: string, env: Record<string, string>) {
  const s = step(name);
  expect(s.shell).toBe('bash');
  expect(s.run).not.toContain('${{');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stand-in for GitHub's REST API on 127.0.0.1: a pull request's comments, paged two at a time. */
async function fakeGitHub(existing: { id: number; body: string }[]) {
  const comments = [...existing];
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}${url.search} ${req.headers.authorization}`);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.method === 'GET' && url.pathname === '/repos/o/r/issues/7/comments') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const slice = comments.slice((page - 1) * 2, page * 2);
        if (page * 2 < comments.length) res.setHeader('link', `<${base}/repos/o/r/issues/7/comments?per_page=100&page=${page + 1}>; rel="next"`);
        res.end(JSON.stringify(slice));
      } else if (req.method === 'POST' && url.pathname === '/repos/o/r/issues/7/comments') {
        const c = { id: 100 + comments.length, body: JSON.parse(data).body as string };
        comments.push(c);
        res.statusCode = 201;
        res.end(JSON.stringify(c));
      } else if (req.method === 'PATCH' && url.pathname.startsWith('/repos/o/r/issues/comments/')) {
        const c = comments.find((x) => x.id === Number(url.pathname.split('/').pop()));
        if (!c) {
          res.statusCode = 404;
          res.end('{}');
          return;
        }
        c.body = JSON.parse(data).body;
        res.end(JSON.stringify(c));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, comments, requests, close: () => new Promise((r) => server.close(r)) };
}

/** runStep, without blocking: the fake API answers from this process. */
function runStepAsync(name: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const s = step(name);
  expect(s.run).not.toContain('${{');
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function comment(work: string, api: string, file: string) {
  const event = path.join(work, 'event.json');
  fs.writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
  return runStepAsync('Pull-request comment', work, {
    PR_COMMENT,
    GITHUB_TOKEN: 'test-token',
    DIFF_FILE: file,
    GITHUB_API_URL: api,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_PATH: event,
  });
}

describe('GitHub Action: diff input (job summary and one pull-request comment)', () => {
  it('declares the inputs, defaults the base to the pull request base commit, and lets a read-only token fail softly', () => {
    expect(action.inputs.diff.default).toBe('false');
    expect(action.inputs['new-only'].default).toBe('false');
    expect(action.inputs.base.default).toBe('${{ github.event.pull_request.base.sha }}');
    expect(action.inputs['github-token'].default).toBe('${{ github.token }}');
    expect(step('Diff').if).toBe("${{ always() && inputs.diff == 'true' && steps.install.outputs.bin != '' }}");
    expect(step('Pull-request comment')['continue-on-error']).toBe(true);
    expect(step('Pull-request comment').env).toMatchObject({ GITHUB_TOKEN: '${{ inputs.github-token }}', DIFF_FILE: '${{ steps.diff.outputs.diff-file }}' });
  });

  it('writes the diff to the job summary, then creates the comment and updates that one comment on the next push', async () => {
    const { base, head } = variantTrees(VARIANTS['a changed HelmRelease value']);
    await initRepo(head);
    const baseSha = await commitTree(head, base, 'base');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-action-diff-'));
    const files = { output: path.join(work, 'output'), summary: path.join(work, 'summary.md') };
    for (const f of Object.values(files)) fs.writeFileSync(f, '');
    const env = { LINT_GITOPS: CLI, PATHS: CLUSTER, BASE: baseSha, RUNNER_TEMP: work, GITHUB_OUTPUT: files.output, GITHUB_STEP_SUMMARY: files.summary, LINT_GITOPS_CACHE_DIR: path.join(work, 'cache') };
    const diff = runStep('Diff', head, env);
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(0);
    const md = path.join(work, 'lint-gitops-diff.md');
    expect(fs.readFileSync(files.output, 'utf8')).toBe(`diff-file=${md}\n`);
    const summary = fs.readFileSync(files.summary, 'utf8');
    expect(summary).toBe(fs.readFileSync(md, 'utf8'));
    expect(summary).toContain('```diff\n  spec:\n    values:\n-     replicas: 1\n+     replicas: 2\n```');
    expect(summary.startsWith(`## lint-gitops diff\n\nBase \`${baseSha} (${baseSha.slice(0, 12)} "base")\``)).toBe(true);

    const gh = await fakeGitHub([
      { id: 1, body: 'LGTM' },
      { id: 2, body: 'another bot' },
      { id: 3, body: 'a question' },
    ]);
    try {
      const first = await comment(work, gh.url, md);
      expect(first.stderr).toBe('');
      expect(first.stdout).toBe('lint-gitops: created comment 103 on pull request #7\n');
      expect(gh.comments.at(-1)!.body).toBe(`<!-- lint-gitops diff -->\n${summary}`);
      fs.writeFileSync(md, '## lint-gitops diff\n\nsecond push\n');
      const second = await comment(work, gh.url, md);
      expect(second.stdout).toBe('lint-gitops: updated comment 103 on pull request #7\n');
      expect(gh.comments.map((c) => c.id)).toEqual([1, 2, 3, 103]);
      expect(gh.comments.at(-1)!.body).toBe('<!-- lint-gitops diff -->\n## lint-gitops diff\n\nsecond push\n');
      // It looked through every page before creating, and found its own comment on the second page the next time.
      expect(gh.requests).toEqual([
        'GET /repos/o/r/issues/7/comments?per_page=100 Bearer test-token',
        'GET /repos/o/r/issues/7/comments?per_page=100&page=2 Bearer test-token',
        'POST /repos/o/r/issues/7/comments Bearer test-token',
        'GET /repos/o/r/issues/7/comments?per_page=100 Bearer test-token',
        'GET /repos/o/r/issues/7/comments?per_page=100&page=2 Bearer test-token',
        'PATCH /repos/o/r/issues/comments/103 Bearer test-token',
      ]);
    } finally {
      await gh.close();
    }
  });

  it('a clone without the base revision fails the Diff step with the fix, and no base is a warning', async () => {
    const { head } = variantTrees(VARIANTS['a changed HelmRelease value']);
    await initRepo(head);
    await commitTree(head, head, 'only commit');
    fs.writeFileSync(path.join(head, '.git', 'shallow'), '');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-action-diff-'));
    const env = { LINT_GITOPS: CLI, PATHS: CLUSTER, RUNNER_TEMP: work, GITHUB_OUTPUT: path.join(work, 'out'), GITHUB_STEP_SUMMARY: path.join(work, 'summary'), LINT_GITOPS_CACHE_DIR: path.join(work, 'cache') };
    const missing = runStep('Diff', head, { ...env, BASE: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('fetch-depth: 0');
    const none = runStep('Diff', head, { ...env, BASE: '' });
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('::warning::lint-gitops diff: no base revision (not a pull request: set the base input)\n');
  });
});
