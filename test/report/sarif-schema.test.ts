import fs from 'node:fs';
import { createRequire } from 'node:module';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/sarif.js';
import { rules } from '../../src/rules/index.js';
import { CLUSTER, fixtureCopy, lintTree, replaceOnce } from '../helpers.js';
import { helmV2beta2 } from './test-rules.js';

/**
 * The official SARIF 2.1.0 JSON schema (the OASIS standard's schema, published as 2.1.0-rtm.5), as shipped by
 * Microsoft's SARIF SDK package; no network needed. GitHub code scanning rejects uploads that do not validate.
 */
const require = createRequire(import.meta.url);
const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function validator() {
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  // The published schema has a language pattern that is not valid in unicode mode (`...{2}]?$`).
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  const add = (addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats;
  add(ajv);
  return ajv.compile(schema);
}

describe('SARIF output', () => {
  it('is the SARIF 2.1.0 schema, not something else', () => {
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
    expect(schema.title).toMatch(/SARIF\) Version 2\.1\.0/);
    expect(schema.properties.version.enum).toEqual(['2.1.0']);
  });

  it('validates against the SARIF 2.1.0 schema, with every rule and findings of each severity', () => {
    const repo = fixtureCopy({
      'flux-apps/vault/namespace.yaml': null,
      'flux-apps/grafana/release.yaml': replaceOnce('helm.toolkit.fluxcd.io/v2', 'helm.toolkit.fluxcd.io/v2beta2'),
      'flux-apps/forgejo/kustomization.yaml': (s) => `${s}  - https://github.com/org/repo//deploy?ref=main\n`,
      'flux-apps/forgejo/policy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: policy\n',
    });
    const ruleSet = [...rules, helmV2beta2];
    const r = lintTree(repo, { ruleSet, rules: { 'remote-resource': 'warning' } });
    expect(new Set(r.diagnostics.map((d) => d.severity))).toEqual(new Set(['error', 'warning', 'info']));
    const sarif = JSON.parse(formatSarif(r.diagnostics, r.summary, { rules: ruleSet, version: '0.1.0' }));
    const validate = validator();
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    expect(sarif.runs[0].results.length).toBe(r.diagnostics.length);
    // Every rule carries the metadata code scanning shows: description, help text and a help URI.
    for (const d of sarif.runs[0].tool.driver.rules) {
      expect(d.shortDescription.text.length).toBeGreaterThan(0);
      expect(d.help.text).toContain('Why: ');
      expect(d.helpUri).toMatch(/^https:\/\//);
    }
    expect(sarif.runs[0].tool.driver.rules.map((d: { id: string }) => d.id)).toEqual(ruleSet.map((x) => x.id));
  });

  it('fails validation when the output is not SARIF (the check can fail)', () => {
    const validate = validator();
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).toBe(false);
  });
});

void CLUSTER;
