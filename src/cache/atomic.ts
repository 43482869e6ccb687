import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The cache holds what the linted files say (parsed values, Secrets' data included, and findings): directories it
 * creates are its user's alone, and so are its files, whatever the umask (the repository may be private while the
 * home directory is not).
 */
export const CACHE_DIR_MODE = 0o700;
export const CACHE_FILE_MODE = 0o600;

/**
 * Writes a cache file through a temporary file renamed over it, so that a reader (another run, a second pre-commit
 * hook, a worker thread) sees the old file or the new one, never half of one; the temporary name holds the process
 * id and random bytes, so two writers never share one. False when it could not be written: a read-only or full cache
 * directory costs the next run some work, never this one a failure.
 */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: CACHE_DIR_MODE });
    fs.writeFileSync(tmp, data, { mode: CACHE_FILE_MODE });
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing more to do
    }
    return false;
  }
}
