// Module hooks registered by sandbox-preload.mjs: loading any module from inside the linted repository is a
// violation (linting must never execute anything from the repo).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let repo;

export function initialize(data) {
  repo = data.repo;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (repo && result.url.startsWith('file:')) {
    const file = fileURLToPath(result.url);
    if (file === repo || file.startsWith(repo + path.sep)) {
      process.stderr.write(`SANDBOX-VIOLATION: import of ${file}\n`);
      throw new Error(`SANDBOX-VIOLATION: import of ${file}`);
    }
  }
  return result;
}
