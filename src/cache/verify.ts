import { RepoFs } from '../load/repo-fs.js';
import { HOST_OPS, Journal, recording } from './journal.js';

/** Questions RepoFs answers (see src/load/repo-fs.ts): the argument is `root\0relative path`. */
const REPO_OPS = new Set(['kind', 'list', 'read']);

/**
 * Asks a journal's questions again and tells whether every answer is still the same. Each question is asked once
 * per Verifier (clusters share many), through the same code that answered it during the lint (RepoFs, `host`), so
 * "the same answer" means exactly what the loader would see now.
 */
export class Verifier {
  private readonly now = new Map<string, string | undefined>();
  private readonly repos = new Map<string, RepoFs | undefined>();

  /** True when every fact still holds. */
  holds(facts: Iterable<readonly [string, string]>): boolean {
    for (const [key, answer] of facts) if (this.answer(key) !== answer) return false;
    return true;
  }

  /** The answer the disk gives now; undefined for a question this version cannot ask. */
  answer(key: string): string | undefined {
    if (this.now.has(key)) return this.now.get(key);
    const scratch = new Journal();
    const sep = key.indexOf('\0');
    const op = key.slice(0, sep);
    const arg = key.slice(sep + 1);
    try {
      if (op in HOST_OPS) recording(scratch, () => HOST_OPS[op](arg));
      else if (REPO_OPS.has(op)) {
        const cut = arg.indexOf('\0');
        const repo = this.repo(arg.slice(0, cut));
        const rel = arg.slice(cut + 1);
        if (repo) recording(scratch, () => (op === 'kind' ? repo.kind(rel) : op === 'list' ? repo.list(rel) : repo.read(rel)));
      }
    } catch {
      // A question that now throws has no answer: the fact no longer holds.
    }
    // Everything asked on the way (a kind asks for its parent's listing) is a current answer too.
    for (const [k, v] of scratch.facts) if (!this.now.has(k)) this.now.set(k, v);
    if (!this.now.has(key)) this.now.set(key, undefined);
    return this.now.get(key);
  }

  private repo(root: string): RepoFs | undefined {
    if (!this.repos.has(root)) {
      let repo: RepoFs | undefined;
      try {
        repo = recording(undefined, () => new RepoFs(root));
      } catch {
        repo = undefined;
      }
      this.repos.set(root, repo);
    }
    return this.repos.get(root);
  }
}
