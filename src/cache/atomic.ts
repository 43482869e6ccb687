import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a cache file through a temporary file renamed over it, so that a reader (another run, a second pre-commit
 * hook, a worker thread) sees the old file or the new one, never half of one; the temporary name holds the process
 * id and random bytes, so two writers never share one. False when it could not be written: a read-only or full cache
 * directory costs the next run some work, never this one a failure.
 */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data);
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
