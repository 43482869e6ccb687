import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RACY_MS } from '../../src/cache/journal.js';
import { lintCached } from '../../src/cache/lint-cached.js';
import { computeToolId } from '../../src/cache/tool-id.js';
import { lint, type LintOptions } from '../../src/index.js';
import { CLUSTER, fixtureCopy, lineOf, replaceOnce } from '../helpers.js';
import { LAB, twoClusters } from '../integrations/two-clusters.js';

/**
 * The result cache is never wrong: after each kind of change, a run with a warm cache reports exactly what a run
 * without cache reports, and re-lints what the change concerns (the clusters whose journal it breaks) — no less,
 * and, for a change one cluster alone reads, no more.
 */

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `lint-gitops-${prefix}-`));

interface Run {
  findings: string[];
  summary: unknown;
  linted: string[];
  reused: string[];
}

/** Lints with the cache and without; they must agree. */
function run(repo: string, cache: string, options: Partial<LintOptions> = {}): Run {
  const opts: LintOptions = { paths: [repo], cwd: repo, ...options };
  const cached = lintCached(opts, cache);
  const fresh = lint(opts);
  expect(cached.diagnostics).toEqual(fresh.diagnostics);
  expect(cached.summary).toEqual(fresh.summary);
  return {
    findings: cached.diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line} ${d.message}`),
    summary: cached.summary,
    linted: cached.linted,
    reused: cached.reused,
  };
}

/** A repo with the lint done once (the cache is warm). */
function warm(repo: string, options: Partial<LintOptions> = {}): { repo: string; cache: string } {
  const cache = tmp('cache');
  const first = run(repo, cache, options);
  expect(first.reused).toEqual([]);
  const again = run(repo, cache, options);
  expect(again.linted).toEqual([]);
  expect(again).toEqual({ ...first, linted: [], reused: first.linted });
  return { repo, cache };
}

const grafana = 'flux-apps/grafana/kustomization.yaml';

describe('the result cache: every kind of change invalidates what it should', () => {
  it('a content edit in a base one cluster reads re-lints that cluster only', () => {
    const { repo, cache } = warm(twoClusters());
    fs.writeFileSync(path.join(repo, grafana), fs.readFileSync(path.join(repo, grafana), 'utf8').replace('- release.yaml', '- releases.yaml'));
    const after = run(repo, cache);
    expect(after.linted).toEqual([CLUSTER]);
    expect(after.reused).toEqual([LAB]);
    expect(after.findings).toEqual([
      `path-not-found ${grafana}:${lineOf(repo, grafana, 'releases.yaml')} resources entry 'releases.yaml' does not exist (resolved to flux-apps/grafana/releases.yaml); did you mean 'release.yaml'?`,
      'unreferenced-file flux-apps/grafana/release.yaml:1 flux-apps/grafana/release.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied',
    ]);
  });

  it('an edit in a base both clusters read re-lints both; a comment alone changes nothing reported', () => {
    const { repo, cache } = warm(twoClusters());
    fs.appendFileSync(path.join(repo, 'flux-apps/vault/release.yaml'), '# a comment\n');
    const after = run(repo, cache);
    expect(after.linted).toEqual([LAB, CLUSTER]);
    expect(after.findings).toEqual([]);
  });

  it('a file appearing where a path was missing clears path-not-found', () => {
    const repo = fixtureCopy({ [grafana]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - dashboards.yaml\n') });
    const { cache } = warm(repo);
    expect(run(repo, cache).findings.filter((f) => f.startsWith('path-not-found'))).toHaveLength(1);
    fs.writeFileSync(path.join(repo, 'flux-apps/grafana/dashboards.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\n  namespace: grafana\n');
    const after = run(repo, cache);
    expect(after.linted).toEqual([CLUSTER]);
    expect(after.findings).toEqual([]);
  });

  it('a deleted file is reported missing', () => {
    const { repo, cache } = warm(fixtureCopy());
    fs.rmSync(path.join(repo, 'flux-apps/grafana/database.yaml'));
    const after = run(repo, cache);
    expect(after.linted).toEqual([CLUSTER]);
    expect(after.findings).toEqual([
      `path-not-found ${grafana}:${lineOf(repo, grafana, 'database.yaml')} resources entry 'database.yaml' does not exist (resolved to flux-apps/grafana/database.yaml)`,
    ]);
  });

  it('a renamed directory is reported missing where it is referenced', () => {
    const { repo, cache } = warm(fixtureCopy());
    fs.renameSync(path.join(repo, 'flux-apps/grafana'), path.join(repo, 'flux-apps/grafana-old'));
    const after = run(repo, cache);
    expect(after.linted).toEqual([CLUSTER]);
    const wrapper = `${CLUSTER}/apps/grafana/kustomization.yaml`;
    expect(after.findings).toContain(
      `path-not-found ${wrapper}:${lineOf(repo, wrapper, 'flux-apps/grafana')} resources entry '../../../../flux-apps/grafana' does not exist (resolved to flux-apps/grafana)`,
    );
  });

  it('a new YAML file nobody lists is unreferenced; the cluster reading the directory beside it is re-linted', () => {
    const { repo, cache } = warm(twoClusters());
    fs.writeFileSync(path.join(repo, 'flux-apps/grafana/stray.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n');
    const after = run(repo, cache);
    expect(after.findings).toEqual([
      'unreferenced-file flux-apps/grafana/stray.yaml:1 flux-apps/grafana/stray.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied',
    ]);
    expect(after.reused).toEqual([LAB]);
  });

  it('a symlink pointed elsewhere is read through its new target', () => {
    const repo = fixtureCopy({
      [grafana]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - extra.yaml\n'),
      'shared/good.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: grafana\n',
      'shared/dup.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  name: twice\n  namespace: grafana\n',
      'shared/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [good.yaml, dup.yaml]\n',
    });
    fs.symlinkSync('../../shared/good.yaml', path.join(repo, 'flux-apps/grafana/extra.yaml'));
    const { cache } = warm(repo);
    const before = run(repo, cache).findings;
    fs.rmSync(path.join(repo, 'flux-apps/grafana/extra.yaml'));
    fs.symlinkSync('../../shared/dup.yaml', path.join(repo, 'flux-apps/grafana/extra.yaml'));
    const after = run(repo, cache);
    expect(after.linted).toEqual([CLUSTER]);
    expect(after.findings).not.toEqual(before);
    expect(after.findings.some((f) => f.startsWith('yaml-duplicate-key flux-apps/grafana/extra.yaml'))).toBe(true);
  });

  it('a CRD directory outside the repository (--crds) is part of what is checked', () => {
    const crds = tmp('crds');
    fs.writeFileSync(path.join(crds, 'widgets.yaml'), widgetCrd(['size']));
    const repo = fixtureCopy({
      [grafana]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - widget.yaml\n'),
      'flux-apps/grafana/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: grafana\nspec:\n  size: 1\n',
    });
    const { cache } = warm(repo, { crdPaths: [crds] });
    expect(run(repo, cache, { crdPaths: [crds] }).findings).toEqual([]);
    // A field the CRD now requires; then a second CRD file appearing in the directory.
    fs.writeFileSync(path.join(crds, 'widgets.yaml'), widgetCrd(['size', 'colour']));
    const required = run(repo, cache, { crdPaths: [crds] });
    expect(required.linted).toEqual([CLUSTER]);
    expect(required.findings).toEqual([`schema flux-apps/grafana/widget.yaml:${lineOf(repo, 'flux-apps/grafana/widget.yaml', 'spec:')} spec is missing required field 'colour'`]);
    fs.writeFileSync(path.join(crds, 'widgets.yaml'), widgetCrd(['size']));
    expect(run(repo, cache, { crdPaths: [crds] }).findings).toEqual([]);
    fs.writeFileSync(path.join(crds, 'zz-widgets-v2.yaml'), widgetCrd(['size', 'shape']));
    expect(run(repo, cache, { crdPaths: [crds] }).linted).toEqual([CLUSTER]);
  });

  it('a --schema-location folder is part of what is checked: the schema rules read it through the run\'s disk', () => {
    const schemas = tmp('schemas');
    const widgetSchema = (required: string[]) =>
      JSON.stringify({ type: 'object', properties: { spec: { type: 'object', required, properties: { size: { type: 'integer' }, colour: { type: 'string' } } } } });
    fs.mkdirSync(path.join(schemas, 'example.com'));
    fs.writeFileSync(path.join(schemas, 'example.com', 'widget_v1.json'), widgetSchema(['size']));
    const repo = fixtureCopy({
      [grafana]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - widget.yaml\n'),
      'flux-apps/grafana/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: grafana\nspec:\n  size: 1\n',
    });
    const options = { schemaLocations: [schemas] };
    const { cache } = warm(repo, options);
    expect(run(repo, cache, options).findings).toEqual([]);
    // The schema now requires a field the Widget lacks: a miss, and the finding.
    fs.writeFileSync(path.join(schemas, 'example.com', 'widget_v1.json'), widgetSchema(['size', 'colour']));
    const required = run(repo, cache, options);
    expect(required.linted).toEqual([CLUSTER]);
    expect(required.findings).toEqual([`schema flux-apps/grafana/widget.yaml:${lineOf(repo, 'flux-apps/grafana/widget.yaml', 'spec:')} spec is missing required field 'colour'; schema: example.com/v1 Widget from the schema in ${path.join(schemas, 'example.com', 'widget_v1.json')}`]);
  });

  it('a CRD directory in the repository (config crdDirectories) is part of what is checked', () => {
    const repo = fixtureCopy({
      [grafana]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - widget.yaml\n'),
      'flux-apps/grafana/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: grafana\nspec:\n  size: 1\n',
      'platform/crds/widgets.yaml': widgetCrd(['size']),
    });
    const { cache } = warm(repo, { crdDirs: ['platform/crds'] });
    fs.writeFileSync(path.join(repo, 'platform/crds/widgets.yaml'), widgetCrd(['size', 'colour']));
    const after = run(repo, cache, { crdDirs: ['platform/crds'] });
    expect(after.linted).toEqual([CLUSTER]);
    expect(after.findings).toHaveLength(1);
  });

  it('options that change results are part of the key: a rule turned off, a severity', () => {
    const repo = fixtureCopy({ [grafana]: replaceOnce('- release.yaml', '- releases.yaml') });
    const { cache } = warm(repo);
    const off = run(repo, cache, { rules: { 'path-not-found': 'off' } });
    expect(off.linted).toEqual([CLUSTER]);
    expect(off.findings.some((f) => f.startsWith('path-not-found'))).toBe(false);
    const warning = run(repo, cache, { rules: { 'path-not-found': 'warning' } });
    expect(warning.linted).toEqual([CLUSTER]);
    // Back to the defaults: the first entry still holds.
    expect(run(repo, cache).linted).toEqual([]);
  });

  it('ignore globs and suppressions are applied to cached findings as to fresh ones', () => {
    const repo = fixtureCopy({ [grafana]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  # lint-gitops-disable-next-line path-not-found\n  - dashboards.yaml\n') });
    const { cache } = warm(repo);
    expect(run(repo, cache).findings).toEqual([]);
    expect(run(repo, cache, { ignore: ['flux-apps/grafana'] }).linted).toEqual([]);
    fs.writeFileSync(path.join(repo, grafana), fs.readFileSync(path.join(repo, grafana), 'utf8').replace('  # lint-gitops-disable-next-line path-not-found\n', ''));
    expect(run(repo, cache).findings).toHaveLength(1);
    expect(run(repo, cache, { ignore: ['flux-apps/grafana'] }).findings).toEqual([]);
  });

  it('a cluster appearing changes the clusters linted and what is unreferenced', () => {
    const repo = fixtureCopy();
    const { cache } = warm(repo);
    const second = twoClusters();
    fs.cpSync(path.join(second, LAB), path.join(repo, LAB), { recursive: true });
    const after = run(repo, cache);
    expect(after.linted).toEqual([LAB]);
    expect(after.reused).toEqual([CLUSTER]);
    expect((after.summary as { clusters: string[] }).clusters).toEqual([LAB, CLUSTER]);
  });

  it('a flux-system appearing in a directory discovery walked turns it into a cluster, settled tree or not', async () => {
    for (const settle of [false, true]) {
      const repo = fixtureCopy();
      if (settle) await new Promise((r) => setTimeout(r, RACY_MS + 200));
      const { cache } = warm(repo);
      // flux-apps/grafana was walked and had no flux-system/; now it has one whose sync points back at it.
      const fsDir = path.join(repo, 'flux-apps/grafana/flux-system');
      fs.mkdirSync(fsDir);
      fs.writeFileSync(
        path.join(fsDir, 'gotk-sync.yaml'),
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./flux-apps/grafana\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      );
      const after = run(repo, cache);
      expect({ settle, clusters: (after.summary as { clusters: string[] }).clusters }).toEqual({ settle, clusters: ['flux-apps/grafana', CLUSTER] });
    }
  });
});

describe('the tool identity', () => {
  function pkg(): { code: string; dir: string } {
    const dir = tmp('tool');
    fs.mkdirSync(path.join(dir, 'dist/load'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'schemas'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', dependencies: { dep: '1' } }));
    fs.mkdirSync(path.join(dir, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/dep/package.json'), '{"version":"1.0.0"}');
    fs.writeFileSync(path.join(dir, 'dist/load/a.js'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(dir, 'schemas/index.json'), '{}');
    return { code: path.join(dir, 'dist'), dir };
  }
  const later = () => Date.now() + 60_000;

  it('changes when a built file, a schema, a dependency or the file set changes', () => {
    const { code, dir } = pkg();
    const id = computeToolId(code, dir).id;
    expect(computeToolId(code, dir).id).toBe(id);
    fs.writeFileSync(path.join(code, 'load/a.js'), 'export const a = 2;\n');
    const edited = computeToolId(code, dir).id;
    expect(edited).not.toBe(id);
    fs.writeFileSync(path.join(dir, 'schemas/index.json'), '{ }');
    const schema = computeToolId(code, dir).id;
    expect(schema).not.toBe(edited);
    fs.writeFileSync(path.join(dir, 'node_modules/dep/package.json'), '{"version":"1.0.1"}');
    const dep = computeToolId(code, dir).id;
    expect(dep).not.toBe(schema);
    fs.writeFileSync(path.join(code, 'load/b.js'), '');
    expect(computeToolId(code, dir).id).not.toBe(dep);
  });

  it('changes when a file of the bundle or a nested schema changes, and not for a type declaration or a V8 code cache', () => {
    const { code, dir } = pkg();
    fs.mkdirSync(path.join(code, 'bin'));
    fs.mkdirSync(path.join(dir, 'schemas/precompiled'));
    fs.writeFileSync(path.join(code, 'bin/main.cjs'), 'exports.a = 1;\n');
    fs.writeFileSync(path.join(code, 'bin/main.cjs.v8'), 'v8');
    fs.writeFileSync(path.join(dir, 'schemas/precompiled/x.cjs.br'), 'br');
    fs.writeFileSync(path.join(code, 'load/a.d.ts'), 'export declare const a: number;\n');
    const ids = [computeToolId(code, dir).id];
    fs.writeFileSync(path.join(code, 'load/a.d.ts'), 'export declare const a: 1;\n');
    fs.writeFileSync(path.join(code, 'bin/main.cjs.v8'), 'V8');
    expect(computeToolId(code, dir).id).toBe(ids[0]);
    for (const [file, text] of [
      ['dist/bin/main.cjs', 'exports.a = 2;\n'],
      ['schemas/precompiled/x.cjs.br', 'BR'],
    ]) {
      fs.writeFileSync(path.join(dir, file!), text!);
      const id = computeToolId(code, dir).id;
      expect(ids, file).not.toContain(id);
      ids.push(id);
    }
  });

  it('trusts a kept hash only while the file keeps its signature, even when a rewrite keeps size and mtime', () => {
    const { code, dir } = pkg();
    const first = computeToolId(code, dir, { now: later() });
    expect(Object.keys(first.manifest)).toContain('dist/load/a.js');
    const again = computeToolId(code, dir, { known: first.manifest, now: later() });
    expect(again).toEqual({ ...first, changed: false });
    const a = path.join(code, 'load/a.js');
    const { atime, mtime } = fs.statSync(a);
    fs.writeFileSync(a, 'export const a = 2;\n');
    fs.utimesSync(a, atime, mtime);
    expect(computeToolId(code, dir, { known: first.manifest, now: later() }).id).not.toBe(first.id);
    // A hash taken while the file may still be changing is not kept.
    expect(Object.keys(computeToolId(code, dir, { now: Date.now() }).manifest)).not.toContain('dist/load/a.js');
  });
});

function widgetCrd(required: string[]): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [${required.join(', ')}]
              properties:
                size: {type: integer}
                colour: {type: string}
                shape: {type: string}
`;
}
