/**
 * Hostile YAML shapes of up to MAX_FILE_BYTES, each parsed the way a lint run reads a file (src/load/parse/parsed-file.ts
 * parseValues, then the syntax tree a finding's position needs), in a child process of its own: prints the wall
 * time, CPU time and peak RSS per shape, and what became of the file. README "Limits" states the bound this measures:
 * any single file up to 10 MiB is refused or parsed within 2 s and 300 MB.
 *
 *   npm run build && node bench/hostile.mjs [--size BYTES] [--only NAME,...]
 *
 * test/hostile/bounds.test.ts runs the same shapes with a capped heap (no timing there).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(HERE, '..', 'dist');
const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\n';

/** Repeats a line until the text is as long as `size` allows, whole lines only. */
function lines(head, line, size, tail = '') {
  const n = Math.max(0, Math.floor((size - head.length - tail.length) / line.length));
  return head + line.repeat(n) + tail;
}

/** Each shape, as a function of the size in bytes (the text is at most that long). */
export const SHAPES = {
  'flow-seq': (size) => `a: ${'['.repeat(Math.floor((size - 4) / 2))}${']'.repeat(Math.floor((size - 4) / 2))}\n`,
  'flow-seq-unclosed': (size) => `a: ${'['.repeat(size - 4)}\n`,
  'flow-map': (size) => {
    const n = Math.floor((size - 6) / 5);
    return `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
  },
  'block-seq-one-line': (size) => `a:\n${'- '.repeat(Math.floor((size - 6) / 2))}1\n`,
  'block-map-indented': (size) => {
    let s = '';
    for (let i = 0; s.length + i + 3 <= size; i++) s += `${' '.repeat(i)}a:\n`;
    return s;
  },
  'mixed-unclosed': (size) => `a: ${'[{a: '.repeat(Math.floor((size - 4) / 5))}\n`,
  'long-key': (size) => `${'k'.repeat(size - 4)}: 1\n`,
  'long-quoted-key': (size) => `"${'k'.repeat(size - 6)}": 1\n`,
  'long-explicit-key': (size) => `? ${'k'.repeat(size - 8)}\n: 1\n`,
  'many-anchors': (size) => lines('data:\n', '  k: &a v\n  r: *a\n', size),
  'many-aliases': (size) => lines(`${HEAD}data:\n  a: &a v\n  l:\n`, '  - *a\n', size),
  'alias-bomb': (size) => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    return `${levels.join('\n')}\n`.slice(0, size);
  },
  'huge-double-quoted': (size) => `${HEAD}data:\n  blob: "${'x'.repeat(size - HEAD.length - 16)}"\n`,
  'huge-single-quoted': (size) => `${HEAD}data:\n  blob: '${'x '.repeat(Math.floor((size - HEAD.length - 16) / 2))}'\n`,
  'huge-plain': (size) => `${HEAD}data:\n  blob: ${'x'.repeat(size - HEAD.length - 14)}\n`,
  'huge-block-scalar': (size) => lines(`${HEAD}data:\n  blob: |\n`, '    some text of a script, line after line\n', size),
  'unterminated-quote': (size) => `a: "${'x '.repeat(Math.floor((size - 6) / 2))}\n`,
  'many-keys': (size) => lines(`${HEAD}data:\n`, '  key: value\n', size),
  'many-items': (size) => lines(`${HEAD}data:\n  l:\n`, '  - v\n', size),
  'flow-many-items': (size) => `a: [${'1,'.repeat(Math.floor((size - 7) / 2))}1]\n`,
  'many-documents': (size) => lines('', 'a: 1\n---\n', Math.min(size, 9_999 * 9)),
  'many-errors': (size) => lines('', 'a: [\n', size),
  'tabs': (size) => lines('', 'a:\n\tb: 1\n', size),
  'duplicate-keys': (size) => lines('data:\n', '  a: 1\n', size),
};

/** Parses one file as a lint run does, and prints what it cost. */
async function one(file) {
  const text = fs.readFileSync(file, 'utf8');
  const { parseValues, lazySourceFile } = await import(pathToFileURL(path.join(DIST, 'load', 'parse', 'parsed-file.js')).href);
  const { locate } = await import(pathToFileURL(path.join(DIST, 'model', 'location.js')).href);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const parsed = parseValues('hostile.yaml', text);
  const source = lazySourceFile('hostile.yaml', text, parsed);
  // A finding in the file needs its position: the syntax tree (or, refused, the line counter).
  if (source.docs.length > 0) locate({ doc: source.docs[0], path: [] });
  else void source.lineCounter;
  const cpu = process.cpuUsage(c0);
  const result = {
    ms: Math.round(performance.now() - t0),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    problem: parsed.problem,
    docs: parsed.docs.length,
    problems: [...new Set(parsed.docs.flatMap((d) => d.problems.map((p) => p.code)))],
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs one shape in a child process; `heapMB` caps its V8 heap. */
export function runShape(file, heapMB) {
  const args = [...(heapMB ? [`--max-old-space-size=${heapMB}`] : []), fileURLToPath(import.meta.url), '--one', file];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let out;
  try {
    out = JSON.parse(last);
  } catch {
    out = undefined;
  }
  return { status: r.status, signal: r.signal, stderr: r.stderr.slice(-2000), result: out };
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--one') return one(argv[1]);
  const size = Number(argv[argv.indexOf('--size') + 1] || 10 * 1024 * 1024);
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : Object.keys(SHAPES);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-hostile-'));
  console.log(`shape                  bytes       wall ms  cpu ms  peak RSS MB  outcome`);
  try {
    for (const name of only) {
      const file = path.join(dir, `${name}.yaml`);
      const text = SHAPES[name](size);
      fs.writeFileSync(file, text);
      const { status, result, stderr } = runShape(file);
      const outcome = !result
        ? `crashed (${status}): ${stderr.split('\n').find((l) => /Error|heap/.test(l)) ?? ''}`
        : result.problem
          ? `refused: ${result.problem.reason ?? result.problem.kind}`
          : `${result.docs} docs${result.problems.length ? `, problems ${result.problems.join(' ')}` : ''}`;
      const cols = result ? [result.ms, result.cpuMs, result.rssMB] : ['-', '-', '-'];
      console.log(`${name.padEnd(22)} ${String(Buffer.byteLength(text)).padStart(9)}  ${String(cols[0]).padStart(8)}  ${String(cols[1]).padStart(6)}  ${String(cols[2]).padStart(11)}  ${outcome.slice(0, 110)}`);
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
