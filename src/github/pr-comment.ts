#!/usr/bin/env node
/**
 * The GitHub Action's last step for `diff: true` (action.yml): keeps one comment on the pull request up to date
 * with `lint-gitops diff --format markdown`. The comment is found by a hidden marker on its first line and edited;
 * the first run creates it. Not part of the linter (which never touches the network): a script the action runs with
 * the job's token, through the REST API (https://docs.github.com/rest/issues/comments).
 *
 *   node dist/github/pr-comment.js FILE
 *
 * Environment (set by the runner): GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH (the pull
 * request's number is read from the event); LINT_GITOPS_COMMENT_MARKER overrides the marker (several lint-gitops
 * jobs in one repository keep one comment each).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_MARKER = '<!-- lint-gitops diff -->';
/** GitHub's limit for a comment body. */
export const MAX_COMMENT = 65_536;

export interface CommentTarget {
  apiUrl: string;
  repository: string;
  pr: number;
  token: string;
  marker?: string;
}

interface Comment {
  id: number;
  body?: string;
}

/** Creates or updates the pull request's comment holding the marker; says which it did. */
export async function upsertComment(target: CommentTarget, markdown: string, fetchImpl: typeof fetch = fetch): Promise<{ action: 'created' | 'updated'; id: number }> {
  const marker = target.marker ?? DEFAULT_MARKER;
  let body = `${marker}\n${markdown}`;
  if (body.length > MAX_COMMENT) body = `${body.slice(0, MAX_COMMENT - 200)}\n\n_(cut at GitHub's comment size limit)_\n`;
  const api = target.apiUrl.replace(/\/+$/, '');
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${target.token}`,
    'content-type': 'application/json',
    'x-github-api-version': '2022-11-28',
  };
  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await fetchImpl(url, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${res.statusText} ${(await res.text()).slice(0, 300)}`);
    return res;
  };
  let url: string | undefined = `${api}/repos/${target.repository}/issues/${target.pr}/comments?per_page=100`;
  let found: Comment | undefined;
  // Every page: the marker's comment may be old, and so on an early page, or the last one of a long thread.
  for (let pages = 0; url && pages < 100; pages++) {
    const res = await call('GET', url);
    const list = (await res.json()) as Comment[];
    found = list.find((c) => typeof c.body === 'string' && c.body.startsWith(marker)) ?? found;
    if (found) break;
    url = res.headers.get('link')?.match(/<([^>]+)>;\s*rel="next"/)?.[1];
  }
  if (found) {
    await call('PATCH', `${api}/repos/${target.repository}/issues/comments/${found.id}`, { body });
    return { action: 'updated', id: found.id };
  }
  const created = (await (await call('POST', `${api}/repos/${target.repository}/issues/${target.pr}/comments`, { body })).json()) as Comment;
  return { action: 'created', id: created.id };
}

/** The pull request's number from the workflow's event (pull_request, pull_request_target, issue_comment). */
export function pullRequestNumber(event: unknown): number | undefined {
  const e = event as { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown }; number?: unknown };
  const n = e.pull_request?.number ?? (e.issue?.pull_request ? e.issue.number : undefined);
  return typeof n === 'number' ? n : undefined;
}

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  const env = process.env;
  if (!file) {
    process.stderr.write('usage: pr-comment.js FILE\n');
    return 2;
  }
  const event = env.GITHUB_EVENT_PATH ? JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) : {};
  const pr = pullRequestNumber(event);
  if (pr === undefined) {
    process.stdout.write('lint-gitops: not a pull request; no comment\n');
    return 0;
  }
  if (!env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY) {
    process.stderr.write('lint-gitops: GITHUB_TOKEN and GITHUB_REPOSITORY are needed to comment\n');
    return 2;
  }
  const r = await upsertComment(
    { apiUrl: env.GITHUB_API_URL || 'https://api.github.com', repository: env.GITHUB_REPOSITORY, pr, token: env.GITHUB_TOKEN, marker: env.LINT_GITOPS_COMMENT_MARKER || undefined },
    fs.readFileSync(file, 'utf8'),
  );
  process.stdout.write(`lint-gitops: ${r.action} comment ${r.id} on pull request #${pr}\n`);
  return 0;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      // A fork's pull request gets a read-only token: say so, the job summary still has the diff.
      process.stderr.write(`lint-gitops: could not comment on the pull request: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
