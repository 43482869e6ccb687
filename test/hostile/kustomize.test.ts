import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS, lint } from '../../src/index.js';
import { CLUSTER, fixtureCopy, lineOf, replaceOnce } from '../helpers.js';
import { invariantViolations } from '../fuzz/invariants.js';

const base = 'flux-apps/vault/kustomization.yaml';
const apps = `${CLUSTER}/apps/apps.yaml`;
const addResource = (name: string) => replaceOnce('  - release.yaml', `  - release.yaml\n  - ${name}`);
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata: {a: b}\n`;
const component = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;

function lintHostile(repo: string) {
  const result = lint({ paths: [path.join(repo, CLUSTER)], cwd: repo });
  expect(invariantViolations(repo, result.diagnostics)).toEqual([]);
  return result;
}
const only = (repo: string, ruleId: string) => lintHostile(repo).diagnostics.filter((d) => d.ruleId === ruleId);

/** A Flux Kustomization in apps.yaml, applied by the root (which does not substitute). */
const fluxKustomization = (name: string, spec: string) =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${spec}`;

describe('hostile kustomize and Flux structures terminate with a finding', () => {
  it('reports a cycle between kustomizations (a includes b includes a) at the entry that closes it', () => {
    const b = 'flux-apps/b/kustomization.yaml';
    const repo = fixtureCopy({
      [base]: addResource('../a'),
      'flux-apps/a/kustomization.yaml': 'resources:\n  - ../b\n',
      [b]: 'resources:\n  - cm.yaml\n  - ../a\n',
      'flux-apps/b/cm.yaml': configMap('in-b'),
    });
    expect(only(repo, 'kustomize-cycle')).toEqual([
      expect.objectContaining({ file: b, line: lineOf(repo, b, '../a'), message: "resources entry '../a' includes flux-apps/a, which is already being built: a kustomization cycle" }),
    ]);
  });

  it('reports a kustomization that includes itself', () => {
    const repo = fixtureCopy({ [base]: addResource('.') });
    expect(only(repo, 'kustomize-cycle').map((d) => [d.file, d.line])).toEqual([[base, lineOf(repo, base, '  - .')]]);
  });

  it('reports a cycle between components', () => {
    const c2 = 'flux-apps/c2/kustomization.yaml';
    const repo = fixtureCopy({
      [base]: (s) => `${s}components:\n  - ../c1\n`,
      'flux-apps/c1/kustomization.yaml': component('components:\n  - ../c2\n'),
      [c2]: component('components:\n  - ../c1\n'),
    });
    expect(only(repo, 'kustomize-cycle')).toEqual([expect.objectContaining({ file: c2, line: lineOf(repo, c2, '../c1') })]);
  });

  it('reports a Component listed as a resource, and a Kustomization listed as a component, as kustomize does', () => {
    const repo = fixtureCopy({
      [base]: (s) => `${addResource('../comp')(s)}components:\n  - ../airflow\n`,
      'flux-apps/comp/kustomization.yaml': component('resources:\n  - cm.yaml\n'),
      'flux-apps/comp/cm.yaml': configMap('from-component'),
    });
    expect(only(repo, 'path-not-found').map((d) => [d.line, d.message])).toEqual([
      [lineOf(repo, base, '../comp'), "resources entry '../comp' is a kustomize Component: kustomize refuses it as a resource (list it under components) (resolved to flux-apps/comp)"],
      [
        lineOf(repo, base, '../airflow'),
        "components entry '../airflow' is a Kustomization, not a Component: kustomize only takes a kustomization with 'kind: Component' as a component (resolved to flux-apps/airflow)",
      ],
    ]);
  });

  it('reports a Kustomization in a Flux spec.components', () => {
    const repo = fixtureCopy({
      [apps]: replaceOnce('  path: ./flux-clusters/stefanzhelev/apps/vault\n', '  path: ./flux-clusters/stefanzhelev/apps/vault\n  components:\n    - ../../../../flux-apps/dremio\n'),
    });
    expect(only(repo, 'path-not-found')).toEqual([
      expect.objectContaining({ file: apps, line: lineOf(repo, apps, 'flux-apps/dremio'), message: expect.stringContaining("spec.components entry '../../../../flux-apps/dremio' is a Kustomization, not a Component") }),
    ]);
  });

  it('reports a resource listed twice (kustomize: "already registered id")', () => {
    const repo = fixtureCopy({ [base]: addResource('namespace.yaml') });
    expect(only(repo, 'duplicate-resource')).toEqual([
      expect.objectContaining({ file: 'flux-apps/vault/namespace.yaml', message: expect.stringContaining("Namespace 'vault' is applied twice by Kustomization 'flux-system/vault'") }),
    ]);
  });

  it(`stops a build that multiplies past ${LIMITS.MAX_BUILD_OBJECTS} objects (overlays of overlays) and says where`, () => {
    // d0 includes d1 and e1, each of which includes d2 and e2 ...: 2^16 copies of one ConfigMap (e* rename theirs).
    const levels = 17;
    const mutations: Record<string, string | ((s: string) => string)> = { [base]: addResource('../d0') };
    for (let i = 0; i < levels; i++) {
      const next = i === levels - 1 ? '  - cm.yaml\n' : `  - ../d${i + 1}\n  - ../e${i + 1}\n`;
      mutations[`flux-apps/d${i}/kustomization.yaml`] = `resources:\n${next}`;
      if (i > 0) mutations[`flux-apps/e${i}/kustomization.yaml`] = `namePrefix: e${i}-\nresources:\n${next}`;
    }
    mutations[`flux-apps/d${levels - 1}/cm.yaml`] = configMap('leaf');
    mutations[`flux-apps/e${levels - 1}/cm.yaml`] = configMap('leaf');
    const repo = fixtureCopy(mutations);
    const { diagnostics, model } = lintHostile(repo);
    const limits = diagnostics.filter((d) => d.ruleId === 'limit-exceeded');
    expect(limits.length).toBeGreaterThan(0);
    expect(limits[0]).toMatchObject({
      file: 'flux-apps/d0/kustomization.yaml',
      line: lineOf(repo, 'flux-apps/d0/kustomization.yaml', '../e1'),
      message: `this makes the build of flux-apps/d0 more than ${LIMITS.MAX_BUILD_OBJECTS} objects (MAX_BUILD_OBJECTS); the rest are not checked`,
    });
    const vault = model.clusters[0].kustomizations.get('flux-system/vault')!;
    expect(vault.objects.length).toBeLessThanOrEqual(LIMITS.MAX_BUILD_OBJECTS + 2);
  });

  it('reports a Flux Kustomization that builds its own path again under a new name every round', () => {
    // Each round substitutes ${P} into the next one's name and its own P: grow${P}, grow${P}x, grow${P}xx, ...
    const grow = fluxKustomization('grow${P}', '  path: ./flux-apps/grow\n  postBuild:\n    substitute:\n      P: "${P}x"\n');
    const file = 'flux-apps/grow/ks.yaml';
    const repo = fixtureCopy({ [apps]: (s) => s + grow, 'flux-apps/grow/kustomization.yaml': 'resources:\n  - ks.yaml\n', [file]: grow.slice(4) });
    const { diagnostics, model } = lintHostile(repo);
    expect(diagnostics.filter((d) => d.ruleId === 'kustomize-cycle')).toEqual([
      expect.objectContaining({ file, line: lineOf(repo, file, 'path:'), message: "spec.path './flux-apps/grow' includes flux-apps/grow, which is already being built: a kustomization cycle" }),
    ]);
    expect([...model.clusters[0].kustomizations.keys()].filter((k) => k.includes('grow'))).toEqual(['flux-system/grow${P}', 'flux-system/grow${P}x']);
  });

  it('reports a Flux Kustomization whose path is the path of the Kustomization that applies it', () => {
    const file = 'flux-apps/vault/again.yaml';
    const repo = fixtureCopy({
      [base]: addResource('again.yaml'),
      [file]: fluxKustomization('vault-again', '  path: ./flux-clusters/stefanzhelev/apps/vault\n').slice(4).replace('  namespace: flux-system\n', '').replace('name: flux-system\n', 'name: flux-system\n    namespace: flux-system\n'),
    });
    expect(only(repo, 'kustomize-cycle')).toEqual([
      expect.objectContaining({ file, line: lineOf(repo, file, 'path:'), message: "spec.path './flux-clusters/stefanzhelev/apps/vault' includes flux-clusters/stefanzhelev/apps/vault, which is already being built: a kustomization cycle" }),
    ]);
  });

  it('survives inline patches that are alias bombs, 10,000 deep, or not YAML at all', () => {
    const bomb = `a: &a [x,x,x,x,x,x,x,x,x]\\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]`;
    const repo = fixtureCopy({
      [base]: (s) =>
        `${s}patches:\n  - target: {kind: HelmRelease}\n    patch: "${bomb}"\n  - target: {kind: HelmRelease}\n    patch: "${'['.repeat(10_000)}"\n  - patch: "{: : :"\n`,
    });
    // kustomize fails on each (yaml.v3 refuses excessive aliasing, deep nesting and bad syntax), and so would Flux.
    expect(lintHostile(repo).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.ruleId} ${d.file}:${d.line} ${d.message}`)).toEqual([
      `kustomize-build ${base}:${lineOf(repo, base, 'patch: "a: &a')} the patch does not parse: Excessive alias count indicates a resource exhaustion attack`,
      `kustomize-build ${base}:${lineOf(repo, base, 'patch: "[[[')} the patch does not parse: YAML nests deeper than 256 levels`,
      `kustomize-build ${base}:${lineOf(repo, base, 'patch: "{: : :"')} the patch does not parse: Unexpected : in flow map`,
    ]);
  });
});
