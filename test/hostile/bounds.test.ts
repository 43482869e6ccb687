import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain script, shared with the bench (bench/hostile.mjs), without type declarations.
import { SHAPES, runShape } from '../../bench/hostile.mjs';
import { LIMITS } from '../../src/index.js';
import { REPO } from '../helpers.js';

/**
 * Issue 15: any single file up to MAX_FILE_BYTES is refused or parsed within bounds, whatever its shape. Each
 * shape is parsed as a lint run reads a file (values, then the tree a finding's position needs) in a child process
 * whose V8 heap is capped: past the bound it dies of "heap out of memory" instead of passing. Times are measured by
 * bench/hostile.mjs, not here. The child runs the build (dist/), as the CLI tests do.
 */
const built = fs.existsSync(path.join(REPO, 'dist', 'load', 'parse', 'parsed-file.js'));
if (!built) console.info('bounds: skipped, dist/ is not built (npm run build)');

const HEAP_MB = 200;
const RSS_MB = 300;
const MiB = 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-bounds-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  rssMB: number;
  problem?: { kind: string; reason?: string };
  docs: number;
  problems: string[];
}

function parseInChild(name: string, size: number): Outcome {
  const file = path.join(dir, `${name}-${size}.yaml`);
  fs.writeFileSync(file, (SHAPES as Record<string, (n: number) => string>)[name](size));
  const { status, stderr, result } = runShape(file, HEAP_MB) as { status: number; stderr: string; result?: Outcome };
  fs.rmSync(file);
  expect({ status, stderr: result ? '' : stderr }).toEqual({ status: 0, stderr: '' });
  return result!;
}

describe.skipIf(!built)(`every hostile shape of ${LIMITS.MAX_FILE_BYTES / MiB} MiB is refused or parsed with a ${HEAP_MB} MB heap`, () => {
  const refused = /over the limit \(MAX_YAML_TOKENS\)|too large for the full YAML parser/;
  const cases: [string, (o: Outcome) => void][] = [
    ['flow-seq', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['flow-seq-unclosed', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['flow-map', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['block-seq-one-line', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['block-map-indented', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['long-quoted-key', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['many-aliases', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['many-keys', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['unterminated-quote', (o) => expect(o.problem?.reason).toMatch(refused)],
    ['huge-double-quoted', (o) => expect(o).toMatchObject({ docs: 1, problems: [] })],
    ['huge-block-scalar', (o) => expect(o).toMatchObject({ docs: 1, problems: [] })],
    ['tabs', (o) => expect(o.problem?.reason).toMatch(refused)],
  ];
  for (const [name, check] of cases) {
    it(name, () => {
      const o = parseInChild(name, LIMITS.MAX_FILE_BYTES);
      check(o);
      expect(o.rssMB).toBeLessThan(RSS_MB);
    }, 120_000);
  }
});

describe.skipIf(!built)('the costliest files are those just under a limit: they are parsed within the same bounds', () => {
  const under = (tokensPerLine: number, bytesPerLine: number) => Math.floor((LIMITS.MAX_YAML_TOKENS / tokensPerLine) * bytesPerLine * 0.95);
  const cases: [string, number, (o: Outcome) => void][] = [
    // Just under MAX_YAML_TOKENS, read by the fast path, every key repeated.
    ['many-keys', under(8, 13), (o) => expect(o).toMatchObject({ docs: 1, problems: ['DUPLICATE_KEY'] })],
    // Just under MAX_FULL_PARSE_BYTES, read by the `yaml` parser, whose quoted scalars cost the most.
    ['unterminated-quote', LIMITS.MAX_FULL_PARSE_BYTES - 64, (o) => expect(o).toMatchObject({ docs: 1, problems: ['MISSING_CHAR'] })],
    ['huge-double-quoted', LIMITS.MAX_FULL_PARSE_BYTES - 64, (o) => expect(o).toMatchObject({ docs: 1, problems: [] })],
    ['many-documents', LIMITS.MAX_FILE_BYTES, (o) => expect(o.docs).toBe(10_000)],
  ];
  for (const [name, size, check] of cases) {
    it(`${name} (${size.toLocaleString('en-US')} bytes)`, () => {
      const o = parseInChild(name, size);
      check(o);
      expect(o.rssMB).toBeLessThan(RSS_MB);
    }, 120_000);
  }
});
