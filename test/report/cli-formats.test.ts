import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/index.js';
import { rules } from '../../src/rules/index.js';
import { CLI, CLUSTER, fixtureCopy, lineOf, replaceOnce, runCli } from '../helpers.js';

const require = createRequire(import.meta.url);
const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;

describe('--format on the command line', () => {
  it('offers every format, and each one reports the finding with exit code 1', { timeout: 180_000 }, () => {
    const help = runCli(['--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`(choices: ${FORMATS.map((f) => `"${f}"`).join(', ')}, default: "stylish")`);
    const repo = fixtureCopy({ [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl') });
    const line = lineOf(repo, wrapper, 'vautl');
    const out: Record<string, string> = {};
    for (const f of FORMATS) {
      const r = runCli([CLUSTER, '--format', f, '--rule', 'unreferenced-file=off'], repo);
      expect(r.code, `${f}: ${r.stderr}`).toBe(1);
      out[f] = r.stdout;
    }
    expect(out.stylish).toContain(`  ${line}:5  error  resources entry '../../../../flux-apps/vautl' does not exist`);
    expect(JSON.parse(out.json).diagnostics[0]).toMatchObject({ ruleId: 'path-not-found', file: wrapper, line });
    expect(out.github).toContain(`::error file=${wrapper},line=${line},col=5,`);
    expect(out.junit).toContain(`<testcase name="path-not-found at ${line}:5" classname="${wrapper}"`);
    expect(out.markdown).toContain(`| ❌ error | \`path-not-found\` | \`${wrapper}:${line}:5\` |`);

    // The CLI's SARIF carries every registered rule and validates against the SARIF 2.1.0 schema.
    const sarif = JSON.parse(out.sarif);
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(rules.map((r) => r.id));
    expect(sarif.runs[0].tool.driver.version).toBe(JSON.parse(fs.readFileSync(require.resolve('../../package.json'), 'utf8')).version);
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats)(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')));
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
  });

  it('--quiet counts only what it shows', () => {
    const repo = fixtureCopy({
      [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl'),
      'flux-apps/forgejo/policy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: policy\n',
    });
    const r = runCli([CLUSTER, '--quiet'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n✖ 1 problem \(1 error, 0 warnings\)\n$/);
  });

  // util-linux `script` gives the CLI a terminal; without it the colour test cannot run (and says so).
  const hasScript = spawnSync('script', ['--version']).status === 0;
  if (!hasScript) console.warn("SKIPPED terminal colour test: 'script' (util-linux) is not installed");
  it.skipIf(!hasScript)('colours stylish output on a terminal only, and never with NO_COLOR or --no-color', () => {
    const repo = fixtureCopy({ [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl') });
    const onTerminal = (args: string, env: Record<string, string> = {}) => {
      const env2: NodeJS.ProcessEnv = { ...process.env, ...env };
      if (!('NO_COLOR' in env)) delete env2.NO_COLOR;
      return spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${CLUSTER} ${args}`, '/dev/null'], { cwd: repo, encoding: 'utf8', env: env2 }).stdout;
    };
    expect(onTerminal('')).toContain('\x1b[31merror\x1b[0m');
    expect(onTerminal('--no-color')).not.toContain('\x1b[');
    expect(onTerminal('', { NO_COLOR: '1' })).not.toContain('\x1b[');
    // Not a terminal: no colour either.
    expect(runCli([CLUSTER], repo, { NO_COLOR: '' }).stdout).not.toContain('\x1b[');
  });
});
