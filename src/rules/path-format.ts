import path from 'node:path';
import type { PathRef, RefKind } from '../model/types.js';

const FIELD: Record<RefKind, string> = {
  resource: 'resources entry',
  component: 'components entry',
  patch: 'patch file',
  generator: 'generator file',
  crd: 'crds entry',
  openapi: 'openapi path',
  configuration: 'configurations entry',
  replacement: 'replacements path',
  transformer: 'transformers entry',
  'flux-path': 'spec.path',
  'flux-component': 'spec.components entry',
  'terraform-path': 'Terraform spec.path',
  'helm-chart-path': 'chart path',
};

/** How a reference is named in messages: the field it sits in and the path as written. */
export function describeRef(ref: PathRef): string {
  return `${FIELD[ref.kind]} '${ref.raw}'`;
}

/** A repo-relative suggestion written the way the user wrote the reference (relative to its base, `./` kept). */
export function asWritten(ref: PathRef, repoRelative: string): string {
  if (ref.base === '.') return ref.raw.startsWith('./') ? `./${repoRelative}` : repoRelative;
  const rel = path.posix.relative(ref.base, repoRelative);
  return rel.startsWith('.') || !ref.raw.startsWith('./') ? rel : `./${rel}`;
}
