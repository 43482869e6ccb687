import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatJson, formatStylish, lint } from '../../src/index.js';
import { CLUSTER, FIXTURES, fixtureCopy, runCli } from '../helpers.js';
import { invariantViolations } from './invariants.js';

/**
 * Property tests: random mutations of the clean fixture never make the linter throw; every finding points inside a
 * file that exists; and the output is the same bytes run after run, whatever order the disk lists directories in.
 * CI runs a short seeded run; LINT_GITOPS_FUZZ_RUNS=N (and LINT_GITOPS_FUZZ_SEED) run longer or elsewhere, e.g.
 *   LINT_GITOPS_FUZZ_RUNS=2000 npx vitest run test/fuzz
 * A failure prints the seed, the path and the shrunk list of mutations, which replay with the same variables.
 */
const RUNS = Number(process.env.LINT_GITOPS_FUZZ_RUNS ?? 20);
const SEED = Number(process.env.LINT_GITOPS_FUZZ_SEED ?? 20251125);
const CLI_RUNS = Math.max(2, Math.ceil(RUNS / 10));
const TIMEOUT = Math.max(120_000, RUNS * 8_000);

function listFixture(dir = FIXTURES, rel = ''): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [rel || '.'];
  for (const name of fs.readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    if (fs.statSync(abs).isDirectory()) {
      const sub = listFixture(abs, r);
      files.push(...sub.files);
      dirs.push(...sub.dirs);
    } else files.push(r);
  }
  return { files, dirs };
}

const { files: FILES, dirs: DIRS } = listFixture();
const YAML = FILES.filter((f) => /\.ya?ml$/.test(f));
const KUSTOMIZATIONS = YAML.filter((f) => f.endsWith('kustomization.yaml'));

const file = fc.constantFrom(...YAML);
const position = fc.nat({ max: 1_000_000 });
/** Values that change a field's type, or that YAML reads specially. */
const odd = fc.constantFrom('[]', '{}', '0', '-1.5e3', 'null', '~', 'true', '"str"', "'q'", '&anchor x', '*nowhere', '!!binary aGk=', '|', '>-', '[a, {b: c}]', '${VAR}', '"\\u0000"', '', '- item');

type Mutation =
  | { op: 'deleteLine' | 'duplicateLine' | 'indentLine' | 'dedentLine' | 'cut'; file: string; at: number }
  | { op: 'renameKey'; file: string; at: number; suffix: string }
  | { op: 'changeType'; file: string; at: number; to: string }
  | { op: 'garbage'; file: string; at: number; bytes: number[] }
  | { op: 'cycle'; file: string; dir: string }
  | { op: 'move'; file: string; dir: string }
  | { op: 'symlink'; dir: string; target: string }
  | { op: 'duplicateFile'; file: string }
  | { op: 'delete'; file: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('deleteLine', 'duplicateLine', 'indentLine', 'dedentLine', 'cut' as const), file, at: position }),
  fc.record({ op: fc.constant('renameKey' as const), file, at: position, suffix: fc.constantFrom('x', 's', '_', 'Name', '') }),
  fc.record({ op: fc.constant('changeType' as const), file, at: position, to: odd }),
  fc.record({ op: fc.constant('garbage' as const), file, at: position, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('cycle' as const), file: fc.constantFrom(...KUSTOMIZATIONS), dir: fc.constantFrom(...DIRS) }),
  fc.record({ op: fc.constant('move' as const), file, dir: fc.constantFrom(...DIRS) }),
  fc.record({ op: fc.constant('symlink' as const), dir: fc.constantFrom(...DIRS), target: fc.constantFrom(...DIRS, ...FILES, '..', '../..', '/tmp', 'nowhere') }),
  fc.record({ op: fc.constant('duplicateFile' as const), file }),
  fc.record({ op: fc.constant('delete' as const), file }),
);

/** Applies one mutation to a copy of the fixture; a mutation whose file is gone (moved, deleted) does nothing. */
function apply(repo: string, m: Mutation): void {
  if (m.op === 'symlink') {
    // A link (to a file, a directory, up the tree, out of the repo, or to nothing) in a directory of the tree.
    const at = path.join(repo, m.dir, `link-${m.target.replace(/[^\w]/g, '_')}.yaml`);
    const to = m.target.startsWith('/') || !/[\w]/.test(m.target[0]) ? m.target : path.relative(path.join(repo, m.dir), path.join(repo, m.target));
    if (fs.existsSync(path.join(repo, m.dir)) && !fs.existsSync(at)) fs.symlinkSync(to || '.', at);
    return;
  }
  const abs = path.join(repo, m.file);
  if (!fs.existsSync(abs)) return;
  const text = fs.readFileSync(abs, 'utf8');
  const lines = text.split('\n');
  const line = 'at' in m ? m.at % Math.max(1, lines.length) : 0;
  const keyLines = lines.map((l, i) => (/^\s*-?\s*[\w.-]+:/.test(l) ? i : -1)).filter((i) => i >= 0);
  const keyLine = keyLines.length > 0 && 'at' in m ? keyLines[m.at % keyLines.length] : undefined;
  switch (m.op) {
    case 'deleteLine':
      lines.splice(line, 1);
      return fs.writeFileSync(abs, lines.join('\n'));
    case 'duplicateLine':
      lines.splice(line, 0, lines[line]);
      return fs.writeFileSync(abs, lines.join('\n'));
    case 'indentLine':
      lines[line] = `  ${lines[line]}`;
      return fs.writeFileSync(abs, lines.join('\n'));
    case 'dedentLine':
      lines[line] = lines[line].replace(/^ {1,2}/, '');
      return fs.writeFileSync(abs, lines.join('\n'));
    case 'cut':
      return fs.writeFileSync(abs, fs.readFileSync(abs).subarray(0, m.at % (text.length + 1)));
    case 'renameKey':
      if (keyLine === undefined) return;
      lines[keyLine] = lines[keyLine].replace(/([\w.-]+):/, (_, k: string) => `${m.suffix ? k + m.suffix : k.toUpperCase()}:`);
      return fs.writeFileSync(abs, lines.join('\n'));
    case 'changeType':
      if (keyLine === undefined) return;
      lines[keyLine] = lines[keyLine].replace(/^(\s*-?\s*[\w.-]+:).*$/, `$1 ${m.to}`);
      return fs.writeFileSync(abs, lines.join('\n'));
    case 'garbage': {
      const buf = fs.readFileSync(abs);
      const at = m.at % (buf.length + 1);
      return fs.writeFileSync(abs, Buffer.concat([buf.subarray(0, at), Buffer.from(m.bytes), buf.subarray(at)]));
    }
    case 'cycle': {
      const rel = path.posix.relative(path.posix.dirname(m.file), m.dir) || '.';
      const next = text.includes('resources:') ? text.replace('resources:', `resources:\n  - ${rel}`) : `${text}\nresources:\n  - ${rel}\n`;
      return fs.writeFileSync(abs, next);
    }
    case 'move': {
      const to = path.join(repo, m.dir, path.basename(m.file));
      if (fs.existsSync(to) || !fs.existsSync(path.dirname(to))) return;
      return fs.renameSync(abs, to);
    }
    case 'duplicateFile':
      return fs.writeFileSync(abs, `${text}\n---\n${text}`);
    case 'delete':
      return fs.rmSync(abs);
  }
}

function mutated(mutations: Mutation[]): string {
  const repo = fixtureCopy();
  for (const m of mutations) apply(repo, m);
  return repo;
}

const lintOnce = (repo: string) => lint({ paths: [path.join(repo, CLUSTER)], cwd: repo });
const render = (r: ReturnType<typeof lintOnce>) => formatJson(r.diagnostics, r.summary) + formatStylish(r.diagnostics, r.summary, { color: false });

/** Every directory listing in a shuffled order (seeded), as another filesystem might return it. */
function shuffleListings(seed: number): void {
  const real = fs.readdirSync;
  let state = seed >>> 0 || 1;
  const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  vi.spyOn(fs, 'readdirSync').mockImplementation(((...args: Parameters<typeof fs.readdirSync>) => {
    const out = (real as (...a: unknown[]) => unknown[])(...args).slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }) as typeof fs.readdirSync);
}

describe(`fuzz: ${RUNS} random mutations of the clean fixture (seed ${SEED})`, () => {
  afterEach(() => vi.restoreAllMocks());

  it(
    'never throws, keeps every finding inside an existing file, and prints the same bytes whatever the listing order',
    () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.integer(), (mutations, shuffleSeed) => {
          const repo = mutated(mutations);
          try {
            const first = lintOnce(repo);
            expect(invariantViolations(repo, first.diagnostics)).toEqual([]);
            shuffleListings(shuffleSeed);
            const second = lintOnce(repo);
            vi.restoreAllMocks();
            expect(render(second)).toBe(render(first));
          } finally {
            vi.restoreAllMocks();
            fs.rmSync(repo, { recursive: true, force: true });
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: RUNS > 100 },
      );
    },
    TIMEOUT,
  );

  it(
    'the CLI exits 0 or 1 (never 2, an internal error) and prints the library findings',
    () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
          const repo = mutated(mutations);
          try {
            const r = runCli([CLUSTER, '--format', 'json', '--no-cache', '--no-config'], repo);
            expect(r.stderr).toBe('');
            expect([0, 1]).toContain(r.code);
            const lib = lintOnce(repo);
            expect(JSON.parse(r.stdout).diagnostics.map((d: { ruleId: string; file: string; line: number }) => [d.ruleId, d.file, d.line])).toEqual(
              lib.diagnostics.map((d) => [d.ruleId, d.file, d.line]),
            );
            expect(r.code).toBe(lib.summary.errorCount > 0 ? 1 : 0);
          } finally {
            fs.rmSync(repo, { recursive: true, force: true });
          }
        }),
        { numRuns: CLI_RUNS, seed: SEED + 1 },
      );
    },
    TIMEOUT,
  );
});
