import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { LintResult, Summary } from '../../src/engine/lint.js';
import { FORMATS, format, formatGithub, formatJunit, formatMarkdown, formatSarif, formatStylish } from '../../src/report/index.js';
import { pathNotFound } from '../../src/rules/path-not-found.js';
import { remoteResource } from '../../src/rules/remote-resource.js';
import { unreferencedFile } from '../../src/rules/unreferenced-file.js';
import { CLUSTER, fixtureCopy, lineOf, lintTree, replaceOnce } from '../helpers.js';
import { helmV2beta2 } from './test-rules.js';

/**
 * The same four findings in every format: an error (a base lists a deleted file), two warnings (a remote resource set to
 * warning, and a fixable test-rule finding) and an info (an unreferenced file). The tree is linted from its parent
 * directory, so `summary.root` is the tree's directory name, as `fixtures` is in this repository's own CI.
 */
const vault = 'flux-apps/vault/kustomization.yaml';
const forgejo = 'flux-apps/forgejo/kustomization.yaml';
const grafana = 'flux-apps/grafana/release.yaml';
const remote = 'https://github.com/org/repo//deploy?ref=main';
const ruleSet = [pathNotFound, remoteResource, unreferencedFile, helmV2beta2];

let repo: string;
let base: string;
let result: LintResult;
let L: { typo: number; remote: number; helm: number };

beforeAll(() => {
  repo = fixtureCopy({
    'flux-apps/vault/namespace.yaml': null,
    [grafana]: replaceOnce('helm.toolkit.fluxcd.io/v2', 'helm.toolkit.fluxcd.io/v2beta2'),
    [forgejo]: (s) => `${s}  - ${remote}\n`,
    'flux-apps/forgejo/policy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: policy\n',
  });
  base = path.basename(repo);
  result = lintTree(repo, { ruleSet, rules: { 'remote-resource': 'warning' }, cwd: path.dirname(repo) });
  L = { typo: lineOf(repo, vault, 'namespace.yaml'), remote: lineOf(repo, forgejo, remote), helm: lineOf(repo, grafana, 'v2beta2') };
});

const msg = {
  remote: `remote resource '${remote}' is not checked offline`,
  policy: 'flux-apps/forgejo/policy.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied',
  helm: "HelmRelease 'grafana' uses helm.toolkit.fluxcd.io/v2beta2; use helm.toolkit.fluxcd.io/v2",
  typo: "resources entry 'namespace.yaml' does not exist (resolved to flux-apps/vault/namespace.yaml)",
};

describe('output formats on the same findings', () => {
  it('finds what the formats are fed: one error, two warnings (one fixable), one info, linted from the parent directory', () => {
    expect(result.summary).toMatchObject({ errorCount: 1, warningCount: 2, infoCount: 1, fixableCount: 1, root: base, clusters: [CLUSTER] });
    expect(result.diagnostics.map((d) => [d.ruleId, d.severity, d.file, d.line])).toEqual([
      ['remote-resource', 'warning', forgejo, L.remote],
      ['unreferenced-file', 'info', 'flux-apps/forgejo/policy.yaml', 1],
      ['test-helm-v2beta2', 'warning', grafana, L.helm],
      ['path-not-found', 'error', vault, L.typo],
    ]);
  });

  it('stylish: grouped by repo-relative file, a summary line, and the --fix hint', () => {
    expect(formatStylish(result.diagnostics, result.summary, { color: false })).toBe(
      [
        forgejo,
        `  ${L.remote}:5  warning  ${msg.remote}  remote-resource`,
        '',
        'flux-apps/forgejo/policy.yaml',
        `  1:1  info  ${msg.policy}  unreferenced-file`,
        '',
        grafana,
        `  ${L.helm}:13  warning  ${msg.helm}  test-helm-v2beta2`,
        '',
        vault,
        `  ${L.typo}:5  error  ${msg.typo}  path-not-found`,
        '',
        '✖ 4 problems (1 error, 2 warnings, 1 info)',
        '  1 of them can be fixed with --fix',
        '',
      ].join('\n'),
    );
  });

  it('stylish: colours severities, files and the summary when asked to', () => {
    const out = formatStylish(result.diagnostics.slice(3), { ...result.summary, errorCount: 1, warningCount: 0, infoCount: 0, fixableCount: 0 }, { color: true });
    expect(out).toBe(
      [
        `\x1b[4m${vault}\x1b[0m`,
        `  \x1b[90m${L.typo}:5\x1b[0m  \x1b[31merror\x1b[0m  ${msg.typo}  \x1b[90mpath-not-found\x1b[0m`,
        '',
        '\x1b[31m\x1b[1m✖ 1 problem (1 error, 0 warnings)\x1b[0m\x1b[0m',
        '',
      ].join('\n'),
    );
  });

  it('json: the README contract (Output formats), fixes left out', () => {
    const out = format('json', result.diagnostics, result.summary, { color: false, rules: ruleSet, version: '1.2.3' });
    expect(out).toBe(JSON.stringify(JSON.parse(out), null, 2) + '\n');
    const parsed = JSON.parse(out);
    expect(parsed.diagnostics).toEqual([
      { ruleId: 'remote-resource', severity: 'warning', message: msg.remote, file: forgejo, line: L.remote, column: 5, endLine: L.remote, endColumn: 5 + remote.length },
      { ruleId: 'unreferenced-file', severity: 'info', message: msg.policy, file: 'flux-apps/forgejo/policy.yaml', line: 1, column: 1, endLine: 1, endColumn: 1 },
      { ruleId: 'test-helm-v2beta2', severity: 'warning', message: msg.helm, file: grafana, line: L.helm, column: 13, endLine: L.helm, endColumn: 13 + 'helm.toolkit.fluxcd.io/v2beta2'.length },
      { ruleId: 'path-not-found', severity: 'error', message: msg.typo, file: vault, line: L.typo, column: 5, endLine: L.typo, endColumn: 5 + 'namespace.yaml'.length },
    ]);
    expect(parsed.summary).toEqual(JSON.parse(JSON.stringify(result.summary)));
  });

  it('github: one workflow command per finding, paths from the working directory, then a count', () => {
    expect(formatGithub(result.diagnostics, result.summary)).toBe(
      [
        `::warning file=${base}/${forgejo},line=${L.remote},col=5,endLine=${L.remote},endColumn=${5 + remote.length},title=remote-resource::${msg.remote}`,
        `::notice file=${base}/flux-apps/forgejo/policy.yaml,line=1,col=1,endLine=1,endColumn=1,title=unreferenced-file::${msg.policy}`,
        `::warning file=${base}/${grafana},line=${L.helm},col=13,endLine=${L.helm},endColumn=43,title=test-helm-v2beta2::${msg.helm}`,
        `::error file=${base}/${vault},line=${L.typo},col=5,endLine=${L.typo},endColumn=19,title=path-not-found::${msg.typo}`,
        'lint-gitops: 4 problems (1 error, 2 warnings, 1 info)',
        '',
      ].join('\n'),
    );
  });

  it('junit: a suite per file, a test case per finding; only what fails the run is a failure, XML-escaped', () => {
    const q = (s: string) => s.replace(/'/g, '&apos;');
    const suite = (file: string, rule: string, line: number, col: number, sev: string, m: string, fails: boolean) => [
      `  <testsuite name="${base}/${file}" tests="1" failures="${fails ? 1 : 0}" errors="0">`,
      `    <testcase name="${rule} at ${line}:${col}" classname="${base}/${file}" file="${base}/${file}" line="${line}">`,
      fails
        ? `      <failure type="${rule}" message="${sev}: ${q(m)}">${base}/${file}:${line}:${col} ${sev} ${m} (${rule})</failure>`
        : `      <system-out>${base}/${file}:${line}:${col} ${sev} ${m} (${rule})</system-out>`,
      '    </testcase>',
      '  </testsuite>',
    ];
    // The error fails; the warnings fail only past --max-warnings (2 warnings here); the info never does.
    const report = (failures: number, warningsFail: boolean) =>
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="lint-gitops" tests="4" failures="${failures}" errors="0">`,
        ...suite(forgejo, 'remote-resource', L.remote, 5, 'warning', msg.remote, warningsFail),
        ...suite('flux-apps/forgejo/policy.yaml', 'unreferenced-file', 1, 1, 'info', msg.policy, false),
        ...suite(grafana, 'test-helm-v2beta2', L.helm, 13, 'warning', msg.helm, warningsFail),
        ...suite(vault, 'path-not-found', L.typo, 5, 'error', msg.typo, true),
        '</testsuites>',
        '',
      ].join('\n');
    expect(formatJunit(result.diagnostics, result.summary)).toBe(report(1, false));
    expect(formatJunit(result.diagnostics, result.summary, { maxWarnings: 2 })).toBe(report(1, false));
    expect(formatJunit(result.diagnostics, result.summary, { maxWarnings: 1 })).toBe(report(3, true));
  });

  it('markdown: a findings table for a job summary', () => {
    const { filesRead, objects } = result.summary;
    expect(formatMarkdown(result.diagnostics, result.summary)).toBe(
      [
        '## lint-gitops',
        '',
        `✖ 4 problems (1 error, 2 warnings, 1 info) in 1 cluster, ${filesRead} files, ${objects} objects`,
        '',
        '| severity | rule | location | message |',
        '|---|---|---|---|',
        `| ⚠️ warning | \`remote-resource\` | \`${base}/${forgejo}:${L.remote}:5\` | ${msg.remote} |`,
        `| ℹ️ info | \`unreferenced-file\` | \`${base}/flux-apps/forgejo/policy.yaml:1:1\` | ${msg.policy} |`,
        `| ⚠️ warning | \`test-helm-v2beta2\` | \`${base}/${grafana}:${L.helm}:13\` | ${msg.helm} |`,
        `| ❌ error | \`path-not-found\` | \`${base}/${vault}:${L.typo}:5\` | ${msg.typo} |`,
        '',
        '1 of them can be fixed with `lint-gitops --fix`.',
        '',
      ].join('\n'),
    );
  });

  it('sarif: results with levels, regions and stable fingerprints; rule metadata with help', () => {
    const out = formatSarif(result.diagnostics, result.summary, { rules: [helmV2beta2], version: '1.2.3' });
    const loc = (file: string, startLine: number, startColumn: number, endColumn: number) => [
      { physicalLocation: { artifactLocation: { uri: `${base}/${file}`, uriBaseId: '%SRCROOT%' }, region: { startLine, startColumn, endLine: startLine, endColumn } } },
    ];
    const parsed = JSON.parse(out);
    expect(out).toBe(JSON.stringify(parsed, null, 2) + '\n');
    const fingerprints = parsed.runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['lintGitops/v1']);
    expect(fingerprints.every((f: string) => /^[0-9a-f]{32}$/.test(f))).toBe(true);
    expect(new Set(fingerprints).size).toBe(4);
    expect(parsed).toEqual({
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'lint-gitops',
              version: '1.2.3',
              semanticVersion: '1.2.3',
              informationUri: 'https://github.com/lint-gitops/lint-gitops',
              rules: [
                {
                  id: 'test-helm-v2beta2',
                  name: 'TestHelmV2beta2',
                  shortDescription: { text: 'A HelmRelease uses helm.toolkit.fluxcd.io/v2beta2 (test rule).' },
                  fullDescription: { text: 'v2beta2 is deprecated since Flux 2.3.' },
                  help: {
                    text: 'A HelmRelease uses helm.toolkit.fluxcd.io/v2beta2 (test rule).\n\nWhy: v2beta2 is deprecated since Flux 2.3.\n\nWrong:\napiVersion: helm.toolkit.fluxcd.io/v2beta2\n\nRight:\napiVersion: helm.toolkit.fluxcd.io/v2',
                    markdown:
                      'A HelmRelease uses helm.toolkit.fluxcd.io/v2beta2 (test rule).\n\n**Why:** v2beta2 is deprecated since Flux 2.3.\n\nWrong:\n```yaml\napiVersion: helm.toolkit.fluxcd.io/v2beta2\n```\n\nRight:\n```yaml\napiVersion: helm.toolkit.fluxcd.io/v2\n```',
                  },
                  helpUri: 'https://github.com/lint-gitops/lint-gitops/blob/main/README.md#rules',
                  defaultConfiguration: { level: 'warning' },
                  properties: { tags: ['flux', 'gitops', 'kustomize'], precision: 'high', fixable: true },
                },
                // Findings of rules outside the given metadata still resolve to a descriptor.
                { id: 'path-not-found', shortDescription: { text: 'path-not-found' } },
                { id: 'remote-resource', shortDescription: { text: 'remote-resource' } },
                { id: 'unreferenced-file', shortDescription: { text: 'unreferenced-file' } },
              ],
            },
          },
          columnKind: 'utf16CodeUnits',
          results: [
            { ruleId: 'remote-resource', ruleIndex: 2, level: 'warning', message: { text: msg.remote }, locations: loc(forgejo, L.remote, 5, 5 + remote.length), partialFingerprints: { 'lintGitops/v1': fingerprints[0] } },
            { ruleId: 'unreferenced-file', ruleIndex: 3, level: 'note', message: { text: msg.policy }, locations: loc('flux-apps/forgejo/policy.yaml', 1, 1, 1), partialFingerprints: { 'lintGitops/v1': fingerprints[1] } },
            { ruleId: 'test-helm-v2beta2', ruleIndex: 0, level: 'warning', message: { text: msg.helm }, locations: loc(grafana, L.helm, 13, 43), partialFingerprints: { 'lintGitops/v1': fingerprints[2] } },
            { ruleId: 'path-not-found', ruleIndex: 1, level: 'error', message: { text: msg.typo }, locations: loc(vault, L.typo, 5, 19), partialFingerprints: { 'lintGitops/v1': fingerprints[3] } },
          ],
        },
      ],
    });
  });

  it('sarif: a fingerprint does not move with the line, and repeats of one message stay distinct', () => {
    const d: Diagnostic = { ruleId: 'r', severity: 'error', message: 'm', file: 'a.yaml', line: 3, column: 1, endLine: 3, endColumn: 2 };
    const fp = (list: Diagnostic[]) => JSON.parse(formatSarif(list, result.summary, { rules: [], version: '0' })).runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['lintGitops/v1']);
    const [a] = fp([d]);
    const [b] = fp([{ ...d, line: 9, endLine: 9 }]);
    expect(a).toBe(b);
    const [c1, c2] = fp([d, { ...d, line: 9, endLine: 9 }]);
    expect(c1).toBe(a);
    expect(c2).not.toBe(c1);
  });

  it('escapes what would break each format: workflow-command separators, XML, table pipes', () => {
    const summary: Summary = { ...result.summary, root: '.', errorCount: 1, warningCount: 0, infoCount: 0, fixableCount: 0 };
    const d: Diagnostic = { ruleId: 'x', severity: 'error', message: "100% <bad> & 'q' | a:b,c\nnext", file: 'dir,a:b/f.yaml', line: 2, column: 3, endLine: 2, endColumn: 4 };
    expect(formatGithub([d], summary).split('\n')[0]).toBe("::error file=dir%2Ca%3Ab/f.yaml,line=2,col=3,endLine=2,endColumn=4,title=x::100%25 <bad> & 'q' | a:b,c%0Anext");
    const junit = formatJunit([d], summary);
    expect(junit).toContain(`<failure type="x" message="error: 100% &lt;bad&gt; &amp; &apos;q&apos; | a:b,c&#10;next">dir,a:b/f.yaml:2:3 error 100% &lt;bad&gt; &amp; 'q' | a:b,c\nnext (x)</failure>`);
    expect(formatMarkdown([d], summary)).toContain("| ❌ error | `x` | `dir,a:b/f.yaml:2:3` | 100% &lt;bad&gt; & 'q' \\| a:b,c next |");
    expect(JSON.parse(formatSarif([d], summary, { rules: [], version: '0' })).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('dir%2Ca%3Ab/f.yaml');
  });

  it('says so when there is nothing to report, in every format', () => {
    const clean = lintTree(fixtureCopy(), { ruleSet });
    const outs = Object.fromEntries(FORMATS.map((f) => [f, format(f, clean.diagnostics, clean.summary, { color: false, rules: ruleSet, version: '1.2.3' })]));
    const { filesRead, objects } = clean.summary;
    expect(outs.stylish).toBe(`✔ no problems (1 cluster, ${filesRead} files, ${objects} objects)\n`);
    expect(outs.github).toBe('lint-gitops: no problems\n');
    expect(outs.markdown).toBe(`## lint-gitops\n\n✔ no problems (1 cluster, ${filesRead} files, ${objects} objects)\n`);
    expect(outs.junit).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="lint-gitops" tests="1" failures="0" errors="0">',
        '  <testsuite name="lint-gitops" tests="1" failures="0" errors="0">',
        `    <testcase name="no problems in ${CLUSTER}" classname="lint-gitops"/>`,
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(outs.sarif).runs[0].results).toEqual([]);
    expect(JSON.parse(outs.json).diagnostics).toEqual([]);
  });
});

void fs;
