import { describe, expect, it } from 'vitest';
import { pathNotFound } from '../../src/rules/path-not-found.js';
import { unusedSuppression } from '../../src/rules/unused-suppression.js';
import { CLUSTER, fixtureCopy, lineOf, lintTree, replaceOnce } from '../helpers.js';
import { helmV2beta2 } from '../report/test-rules.js';

const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
const grafana = 'flux-apps/grafana/release.yaml';
const typo = "resources entry '../../../../flux-apps/vautl' does not exist (resolved to flux-apps/vautl); did you mean '../../../../flux-apps/vault'?";
const ruleSet = [pathNotFound, helmV2beta2, unusedSuppression];

function findings(repo: string, options: Parameters<typeof lintTree>[1] = {}) {
  return lintTree(repo, { ruleSet, ...options }).diagnostics.map((d) => ({ ruleId: d.ruleId, severity: d.severity, file: d.file, line: d.line, column: d.column, message: d.message }));
}

/** The wrapper with a path typo, and a comment line placed right above the entry. */
const typoWith = (comment: string) => replaceOnce('  - ../../../../flux-apps/vault', `${comment}\n  - ../../../../flux-apps/vautl`);

describe('inline suppressions', () => {
  it('without a directive, the typo is reported (the baseline the other tests suppress)', () => {
    const repo = fixtureCopy({ [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl') });
    expect(findings(repo)).toEqual([{ ruleId: 'path-not-found', severity: 'error', file: wrapper, line: lineOf(repo, wrapper, 'vautl'), column: 5, message: typo }]);
  });

  it('disable-next-line hides the finding on the next line, with or without a reason', () => {
    for (const comment of ['  # lint-gitops-disable-next-line path-not-found -- vendored in the next release', '# lint-gitops-disable-next-line path-not-found']) {
      const repo = fixtureCopy({ [wrapper]: typoWith(comment) });
      expect(findings(repo)).toEqual([]);
    }
  });

  it('disable-next-line skips the comment lines between it and the line it covers, and takes several rule ids', () => {
    const repo = fixtureCopy({ [wrapper]: typoWith('  # lint-gitops-disable-next-line test-helm-v2beta2, path-not-found -- reason\n  # the vault base moves in the next release') });
    expect(findings(repo)).toEqual([
      {
        ruleId: 'unused-suppression',
        severity: 'warning',
        file: wrapper,
        line: lineOf(repo, wrapper, 'lint-gitops-disable-next-line'),
        column: 3,
        message: `unused lint-gitops-disable-next-line for 'test-helm-v2beta2': no such finding on line ${lineOf(repo, wrapper, 'vautl')}`,
      },
    ]);
  });

  it('does not hide a finding two lines below, and reports the directive as unused', () => {
    const repo = fixtureCopy({ [wrapper]: typoWith('# lint-gitops-disable-next-line path-not-found\n') });
    const line = lineOf(repo, wrapper, 'vautl');
    expect(findings(repo)).toEqual([
      { ruleId: 'unused-suppression', severity: 'warning', file: wrapper, line: line - 2, column: 1, message: `unused lint-gitops-disable-next-line for 'path-not-found': no such finding on line ${line - 1}` },
      { ruleId: 'path-not-found', severity: 'error', file: wrapper, line, column: 5, message: typo },
    ]);
  });

  it('disable covers the YAML document that holds it, not the other documents of the file', () => {
    const v2beta2 = replaceOnce('helm.toolkit.fluxcd.io/v2\n', 'helm.toolkit.fluxcd.io/v2beta2\n');
    const inRelease = fixtureCopy({ [grafana]: (s) => v2beta2(s).replace('kind: HelmRelease\n', 'kind: HelmRelease\n# lint-gitops-disable test-helm-v2beta2 -- upgraded with the chart\n') });
    expect(findings(inRelease)).toEqual([]);
    const inRepository = fixtureCopy({ [grafana]: (s) => v2beta2(s).replace('kind: HelmRepository\n', 'kind: HelmRepository\n# lint-gitops-disable test-helm-v2beta2\n') });
    expect(findings(inRepository)).toEqual([
      { ruleId: 'unused-suppression', severity: 'warning', file: grafana, line: 3, column: 1, message: "unused lint-gitops-disable for 'test-helm-v2beta2': no such finding in this document" },
      {
        ruleId: 'test-helm-v2beta2',
        severity: 'warning',
        file: grafana,
        line: lineOf(inRepository, grafana, 'helm.toolkit.fluxcd.io/v2beta2'),
        column: 13,
        message: "HelmRelease 'grafana' uses helm.toolkit.fluxcd.io/v2beta2; use helm.toolkit.fluxcd.io/v2",
      },
    ]);
  });

  it('a disable comment above the first document covers that document', () => {
    const repo = fixtureCopy({ [wrapper]: (s) => `# lint-gitops-disable path-not-found -- the vault base is vendored by CI\n${replaceOnce('flux-apps/vault', 'flux-apps/vautl')(s)}` });
    expect(findings(repo)).toEqual([]);
  });

  it('a directive without rule ids covers every rule', () => {
    const repo = fixtureCopy({ [wrapper]: typoWith('  # lint-gitops-disable-next-line') });
    expect(findings(repo)).toEqual([]);
  });

  it('names an unknown rule as a finding, with a suggestion', () => {
    const repo = fixtureCopy({ [wrapper]: typoWith('  # lint-gitops-disable-next-line path-not-fund') });
    const line = lineOf(repo, wrapper, 'vautl');
    expect(findings(repo)).toEqual([
      { ruleId: 'unused-suppression', severity: 'warning', file: wrapper, line: line - 1, column: 3, message: "lint-gitops-disable-next-line names unknown rule 'path-not-fund'; did you mean 'path-not-found'?" },
      { ruleId: 'path-not-found', severity: 'error', file: wrapper, line, column: 5, message: typo },
    ]);
  });

  it('does not call a suppression unused when its rule is off, and unused-suppression can be turned off or raised', () => {
    const repo = fixtureCopy({ [wrapper]: (s) => `${s}# lint-gitops-disable-next-line path-not-found\n` });
    expect(findings(repo, { rules: { 'path-not-found': 'off' } })).toEqual([]);
    expect(findings(repo, { rules: { 'unused-suppression': 'off' } })).toEqual([]);
    expect(findings(repo, { rules: { 'unused-suppression': 'error' } }).map((d) => [d.ruleId, d.severity])).toEqual([['unused-suppression', 'error']]);
  });

  it('is registered like any rule, so rules/explain/--rule know it', async () => {
    const { ruleById } = await import('../../src/rules/index.js');
    expect(ruleById('unused-suppression')).toBe(unusedSuppression);
  });
});
