import { editDistance } from '../model/strings.js';
import { RepoFs, dirname, joinRel } from './repo-fs.js';
import { YamlParser } from './parse/pool.js';
import { unreadableFile } from './parse/yaml-file.js';
import type { FileRole, KustomizeError, LimitHit, Location, PathRef, RefKind, SourceFile } from '../model/types.js';

/** Paths kustomize treats as remote: URLs, git shorthands and `?ref=` pins. */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\/\/.*\?/i;

export function isRemote(written: string): boolean {
  return REMOTE.test(written);
}

/** Shared state of one load: the file cache (each file is read and parsed once) and every path reference. */
export class LoadContext {
  readonly files = new Map<string, SourceFile>();
  readonly refs: PathRef[] = [];
  /** Documented limits the repository exceeded (see README "Limits"); each stops one walk instead of hanging. */
  readonly limits: LimitHit[] = [];
  private readonly refKeys = new Map<string, PathRef>();
  /**
   * Why kustomize would refuse a build, where the linter has no other finding for it (a patch that matches
   * nothing, a replacement whose source is missing, two objects with one id, ...): the kustomize-build rule.
   */
  readonly kustomizeErrors: KustomizeError[] = [];
  private readonly kustomizeErrorKeys = new Set<string>();
  /** Files parsed ahead of the build (src/load/prefetch.ts), taken over when the build first asks for them. */
  readonly prefetched = new Map<string, SourceFile>();

  constructor(
    readonly fs: RepoFs,
    readonly parser: YamlParser = new YamlParser(),
  ) {}

  /** Reads and parses a YAML file once, whoever asks first. */
  file(rel: string, role?: FileRole): SourceFile {
    let file = this.files.get(rel);
    if (!file) {
      file = this.prefetched.get(rel);
      if (file) this.prefetched.delete(rel);
      else {
        const read = this.fs.read(rel);
        file = 'problem' in read ? unreadableFile(rel, read.problem) : this.parser.parse(rel, read.text);
      }
      this.files.set(rel, file);
    }
    if (role) file.roles.add(role);
    return file;
  }

  /** Records that a non-YAML file (a generator input, a .tf module) was used, without parsing it. */
  touch(rel: string, role: FileRole): void {
    if (!this.files.has(rel)) {
      const file = unreadableFile(rel, { kind: 'unreadable', reason: 'not parsed' });
      delete file.problem;
      this.files.set(rel, file);
    }
    this.files.get(rel)!.roles.add(role);
  }

  /**
   * Resolves a path written at `from` relative to the repo-relative directory `base`, and records it.
   * `expect` says what must be there for the reference to work.
   */
  resolve(kind: RefKind, from: Location, written: string, base: string, expect: 'file' | 'dir' | 'any', variant?: string): PathRef {
    const ref: PathRef = { kind, raw: written, from, base, status: 'ok' };
    if (isRemote(written)) ref.status = 'remote';
    else {
      const target = this.fs.join(base, written);
      if (target === undefined) ref.status = 'outside-root';
      else {
        ref.target = target;
        const k = this.fs.kind(target);
        if (k === 'outside-root') ref.status = 'outside-root';
        else if (k === 'loop' || k === 'unreadable') ref.status = 'unreadable';
        else if (k === 'missing' || (expect === 'dir' && k === 'file') || (expect === 'file' && k === 'dir')) {
          ref.status = 'missing';
          ref.suggestion = this.closest(target, expect);
          if (k !== 'missing') ref.detail = k === 'file' ? 'is a file, not a directory' : 'is a directory, not a file';
        }
      }
    }
    return this.record(ref, variant);
  }

  /**
   * Keeps one reference per place it is written (and `variant`: one place of a template, such as a ResourceSet's,
   * writes a different path for each object it generates); a place resolved again (a base shared by two builds, a document
   * that yields several objects) gets the recorded reference back, so a status set later is the one reported.
   */
  record(ref: PathRef, variant?: string): PathRef {
    const key = `${ref.from.doc.file.path}\0${ref.from.doc.index}\0${ref.from.path.join('\0')}\0${ref.kind}${variant === undefined ? '' : `\0${variant}`}`;
    const recorded = this.refKeys.get(key);
    if (recorded) return recorded;
    this.refKeys.set(key, ref);
    this.refs.push(ref);
    return ref;
  }

  /** Records a kustomize build failure, once per place and message (a base is built by many overlays). */
  kustomizeError(at: Location, message: string): void {
    const key = `${at.doc.file.path}\0${at.doc.index}\0${at.path.join('\0')}\0${message}`;
    if (this.kustomizeErrorKeys.has(key)) return;
    this.kustomizeErrorKeys.add(key);
    this.kustomizeErrors.push({ at, message });
  }

  /** Records that a documented limit was exceeded at a place, once per place. */
  limit(at: Location, message: string): void {
    if (this.limits.some((l) => 'doc' in l.at && l.at.doc === at.doc && l.at.path.join('\0') === at.path.join('\0'))) return;
    this.limits.push({ at, message });
  }

  /** The existing path most like a missing one: walk down while segments exist, then pick the nearest sibling name. */
  closest(missing: string, expect: 'file' | 'dir' | 'any'): string | undefined {
    const segs = missing.split('/');
    let dir = '.';
    let i = 0;
    for (; i < segs.length; i++) {
      const next = joinRel(dir, segs[i]);
      if (this.fs.kind(next) !== 'dir') break;
      dir = next;
    }
    if (i >= segs.length) return undefined;
    const wanted = segs[i];
    const candidates = this.fs.list(dir).filter((n) => !n.startsWith('.'));
    let best: string | undefined;
    let bestScore = Infinity;
    for (const name of candidates) {
      const score = editDistance(wanted.toLowerCase(), name.toLowerCase());
      if (score < bestScore || (score === bestScore && best !== undefined && name < best)) {
        best = name;
        bestScore = score;
      }
    }
    if (best === undefined || bestScore > Math.max(2, Math.floor(wanted.length / 3))) return undefined;
    const rest = segs.slice(i + 1);
    const guess = [joinRel(dir, best), ...rest].join('/');
    const k = this.fs.kind(guess);
    if (k === 'dir' || k === 'file') {
      if (expect === 'dir' && k !== 'dir') return joinRel(dir, best);
      return guess;
    }
    return joinRel(dir, best);
  }

  dirOf(rel: string): string {
    return dirname(rel);
  }
}
