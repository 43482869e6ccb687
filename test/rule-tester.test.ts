import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rules } from '../src/index.js';
import { checkInvalid, checkValid, cluster, CLUSTER_DIR, dedent, fluxKustomization, yaml, type InvalidCase } from './rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const message = "Kustomization flux-system/app is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'";
const suspendedTree = cluster({
  [apps]: fluxKustomization('app', './apps/app', 'suspend: true'),
  'apps/app/cm.yaml': yaml`
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: app
      namespace: default
  `,
});
const found: InvalidCase = { name: 'suspended', files: suspendedTree, errors: [{ file: apps, line: 13, column: 12, message, severity: 'warning' }] };

describe('dedent', () => {
  it('strips the common indentation, the blank first line and the last line of spaces', () => {
    expect(dedent('\n    a:\n      b: 1\n    c: 2\n  ')).toBe('a:\n  b: 1\nc: 2\n');
    expect(yaml`
      x: ${1}
        y: 2
    `).toBe('x: 1\n  y: 2\n');
  });
});

describe('the rule tester', () => {
  it('passes when the findings are exactly the expected ones', () => {
    expect(() => checkInvalid('suspended', found)).not.toThrow();
    // Column and severity are optional in an expectation.
    expect(() => checkInvalid('suspended', { ...found, errors: [{ file: apps, line: 13, message }] })).not.toThrow();
  });

  it('fails when an expected finding is missing', () => {
    const twice = { ...found, errors: [...found.errors, { file: apps, line: 14, message }] };
    expect(() => checkInvalid('suspended', twice)).toThrow();
  });

  it('fails when there is a finding the case does not expect', () => {
    expect(() => checkValid('suspended', found)).toThrow();
    const other = cluster({
      ...suspendedTree,
      [`${CLUSTER_DIR}/other.yaml`]: fluxKustomization('other', './apps/other', 'suspend: true'),
      'apps/other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: default\n',
    });
    expect(() => checkInvalid('suspended', { ...found, files: other })).toThrow();
  });

  it('fails on a wrong line, column, message or severity', () => {
    const e = found.errors[0];
    for (const wrong of [{ line: 12 }, { column: 3 }, { message: message + '.' }, { severity: 'error' as const }, { file: 'x.yaml' }]) {
      expect(() => checkInvalid('suspended', { ...found, errors: [{ ...e, ...wrong }] })).toThrow();
    }
  });

  it('refuses an invalid case without errors, and an unknown rule', () => {
    expect(() => checkInvalid('suspended', { ...found, errors: [] })).toThrow(/lists no errors/);
    expect(() => checkValid('no-such-rule', { name: 'x', files: cluster() })).toThrow(/no rule 'no-such-rule'/);
  });

  it('passes a valid case with no finding, and refuses a tree path that leaves the tree', () => {
    expect(() => checkValid('suspended', { name: 'clean', files: cluster() })).not.toThrow();
    expect(() => checkValid('suspended', { name: 'escape', files: { '../x.yaml': 'a: 1' } })).toThrow(/inside the tree/);
  });
});

describe('the inline cases', () => {
  it('exist for every rule of the registry (docs/adding-a-rule.md): test/rules/<rule-id>.cases.test.ts', () => {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rules');
    const missing = rules.map((r) => r.id).filter((id) => !fs.existsSync(path.join(dir, `${id}.cases.test.ts`)));
    expect(missing).toEqual([]);
  });
});
