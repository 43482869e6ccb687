import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, lintAndFix } from '../../src/engine/fix.js';
import { CLUSTER, fixtureCopy, lineOf, runCli } from '../helpers.js';
import { helmV2beta2 } from '../report/test-rules.js';

const grafana = 'flux-apps/grafana/release.yaml';
const forgejo = 'flux-apps/forgejo/release.yaml';
const read = (repo: string, f: string) => fs.readFileSync(path.join(repo, f), 'utf8');
const v2beta2 = (comment = '') => (s: string) => s.replace('apiVersion: helm.toolkit.fluxcd.io/v2\n', `apiVersion: helm.toolkit.fluxcd.io/v2beta2${comment}\n`);

describe('--fix', () => {
  it('applies the fixes rules declare, keeps comments and formatting, reports what it changed, and re-lints', () => {
    const repo = fixtureCopy({ [grafana]: v2beta2('  # pinned until the chart moves'), [forgejo]: v2beta2() });
    const originalGrafana = read(fixtureCopy(), grafana);
    const lines = { grafana: lineOf(repo, grafana, 'v2beta2'), forgejo: lineOf(repo, forgejo, 'v2beta2') };
    const out = lintAndFix({ paths: [path.join(repo, CLUSTER)], cwd: repo, ruleSet: [helmV2beta2] });
    expect(out.fixed).toEqual([
      { ruleId: 'test-helm-v2beta2', file: forgejo, line: lines.forgejo, column: 13, message: "HelmRelease 'forgejo' uses helm.toolkit.fluxcd.io/v2beta2; use helm.toolkit.fluxcd.io/v2" },
      { ruleId: 'test-helm-v2beta2', file: grafana, line: lines.grafana, column: 13, message: "HelmRelease 'grafana' uses helm.toolkit.fluxcd.io/v2beta2; use helm.toolkit.fluxcd.io/v2" },
    ]);
    expect(out.files).toEqual([forgejo, grafana]);
    expect(out.result.diagnostics).toEqual([]);
    expect(read(repo, grafana)).toBe(originalGrafana.replace('apiVersion: helm.toolkit.fluxcd.io/v2\n', 'apiVersion: helm.toolkit.fluxcd.io/v2  # pinned until the chart moves\n'));
    // Nothing left: a second run writes nothing.
    const again = lintAndFix({ paths: [path.join(repo, CLUSTER)], cwd: repo, ruleSet: [helmV2beta2] });
    expect(again).toMatchObject({ fixed: [], files: [] });
  });

  it('keeps a byte-order mark and CRLF line ends', () => {
    const repo = fixtureCopy({ [grafana]: (s) => '\uFEFF' + v2beta2()(s).replace(/\n/g, '\r\n') });
    lintAndFix({ paths: [path.join(repo, CLUSTER)], cwd: repo, ruleSet: [helmV2beta2] });
    const text = read(repo, grafana);
    expect(text.startsWith('\uFEFFapiVersion: source.toolkit.fluxcd.io/v1\r\n')).toBe(true);
    expect(text).toContain('\r\napiVersion: helm.toolkit.fluxcd.io/v2\r\nkind: HelmRelease\r\n');
    expect(text).not.toMatch(/[^\r]\n/);
  });

  it('applies non-overlapping edits in order and leaves an overlapping one for the next pass', () => {
    expect(applyEdits('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: 'A' }])).toEqual({ text: 'AbcdEf', used: [0, 1] });
    expect(applyEdits('abcdef', [{ start: 1, end: 4, text: 'X' }, { start: 2, end: 3, text: 'Y' }])).toEqual({ text: 'aXef', used: [0] });
    expect(applyEdits('abc', [{ start: 2, end: 9, text: 'Z' }])).toEqual({ text: 'abc', used: [] });
  });

  it('the CLI says when there is nothing to fix and writes nothing', () => {
    const repo = fixtureCopy();
    const before = read(repo, grafana);
    const r = runCli([CLUSTER, '--fix'], repo);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('lint-gitops --fix: nothing to fix\n');
    expect(read(repo, grafana)).toBe(before);
  });
});
