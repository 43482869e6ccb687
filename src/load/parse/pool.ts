import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { parseKey, type ParseStore } from './store.js';
import { fromBuffer, lazySourceFile, parseValues, toBuffer, type ParsedFile } from './parsed-file.js';
import type { SourceFile } from '../../model/types.js';

/**
 * Worker threads used when none are asked for: none. Measured on the bench fleets (2 cores, shared machine) with
 * the fast parse path (src/load/parse/fast-parse.ts), one worker made the 1,000-app load slower (best of 5: 8.7 s against
 * 6.0 s), cost about 1 s more CPU (V8 serialize in the worker, deserialize here, the worker's own start-up) and
 * 50 MB more peak RSS (its isolate), against a memory target of 3× the YAML + 100 MB (114 MB for that fleet); at
 * 5,000 apps it was no faster either. Parsing is no longer the dominant cost, and the main thread must still
 * deserialize every value a worker parses. $LINT_GITOPS_WORKERS or the `workers` option still turn them on.
 */
const DEFAULT_WORKERS = 0;
/** Work is handed out in chunks of about this much text, or this many files. */
const CHUNK_BYTES = 64 * 1024;
const CHUNK_FILES = 64;
/**
 * A pool whose workers answer nothing for this long is given up on and its work parsed in the main thread: a
 * worker that could not start (or died) must cost a delay, never a hang. A chunk is at most one 10 MB file.
 */
const WORKER_TIMEOUT_MS = 2 * 60 * 1000;

export interface ParserOptions {
  /** Worker threads besides the main thread: undefined is DEFAULT_WORKERS (none), N forces N. */
  workers?: number;
  cache?: ParseStore;
}

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
}

/**
 * Parses YAML files for one load: from the content-hash cache when it has them, otherwise split across worker
 * threads and the main thread. The loader is synchronous, so the main thread parses its own share and then blocks
 * (Atomics.wait) for the workers' answers, which it takes with receiveMessageOnPort; no event loop is needed.
 * Every file comes back as a lazySourceFile: values and problems now, syntax trees only where a finding needs one.
 */
export class YamlParser {
  private readonly cache: ParseStore | undefined;
  private readonly workerCount: number | undefined;
  private pool: PoolWorker[] | undefined;
  /** [0]: answers posted by the workers (Atomics.wait wakes on it). */
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  /** Set when the workers stopped answering: everything is parsed in this thread from then on. */
  private abandoned = false;
  private nextId = 1;

  constructor(options: ParserOptions = {}) {
    this.cache = options.cache;
    this.workerCount = options.workers;
  }

  parse(path: string, text: string): SourceFile {
    return this.parseMany([{ path, text }])[0];
  }

  parseMany(items: { path: string; text: string }[]): SourceFile[] {
    const out = new Array<SourceFile>(items.length);
    const cache = this.cache;
    const keys = cache ? items.map((i) => parseKey(i.text)) : [];
    const todo: number[] = [];
    items.forEach((item, i) => {
      const hit = cache?.get(keys[i]);
      if (hit) out[i] = lazySourceFile(item.path, item.text, fromBuffer(hit));
      else todo.push(i);
    });
    const pool = todo.length > 1 ? this.workers() : [];

    // Work sharing: the files, largest first, in chunks; each worker keeps two chunks in flight and the main
    // thread parses the next chunk itself whenever none is free, so no thread idles while another has a backlog.
    const order = [...todo].sort((a, b) => items[b].text.length - items[a].text.length || a - b);
    const chunks: number[][] = [];
    for (let k = 0, size = 0; k < order.length; k++) {
      if (chunks.length === 0 || size >= CHUNK_BYTES || chunks[chunks.length - 1].length >= CHUNK_FILES) {
        chunks.push([]);
        size = 0;
      }
      chunks[chunks.length - 1].push(order[k]);
      size += items[order[k]].text.length;
    }
    const inFlight = new Map<number, { worker: PoolWorker; indexes: number[] }>();
    const busy = new Map<PoolWorker, number>(pool.map((w) => [w, 0]));
    const take = (indexes: number[], results: Uint8Array[]) =>
      indexes.forEach((i, k) => {
        const buf = results[k];
        let parsed: ParsedFile;
        try {
          parsed = fromBuffer(buf);
        } catch {
          // Never trust a broken answer: parse it here instead.
          parsed = parseValues(items[i].path, items[i].text);
        }
        cache?.set(keys[i], buf);
        out[i] = lazySourceFile(items[i].path, items[i].text, parsed);
      });
    const parseHere = (indexes: number[]) => {
      for (const i of indexes) {
        const parsed = parseValues(items[i].path, items[i].text);
        cache?.set(keys[i], toBuffer(parsed));
        out[i] = lazySourceFile(items[i].path, items[i].text, parsed);
      }
    };
    let next = 0;
    while (next < chunks.length || inFlight.size > 0) {
      if (this.abandoned) {
        for (const { indexes } of inFlight.values()) parseHere(indexes);
        inFlight.clear();
        while (next < chunks.length) parseHere(chunks[next++]);
        break;
      }
      for (const w of pool) {
        while (busy.get(w)! < 2 && next < chunks.length) {
          const id = this.nextId++;
          const indexes = chunks[next++];
          inFlight.set(id, { worker: w, indexes });
          busy.set(w, busy.get(w)! + 1);
          w.port.postMessage({ id, files: indexes.map((i) => items[i]) });
        }
      }
      if (next < chunks.length) {
        parseHere(chunks[next++]);
        this.receive(inFlight, busy, take, false);
      } else this.receive(inFlight, busy, take, true);
    }
    return out;
  }

  /** Stops the workers; the process may exit without waiting for them. */
  close(): void {
    for (const w of this.pool ?? []) {
      w.port.close();
      void w.worker.terminate();
    }
    this.pool = [];
  }

  /** Takes the answers that are in; with `block`, waits until at least one is (or a worker is overdue). */
  private receive(
    inFlight: Map<number, { worker: PoolWorker; indexes: number[] }>,
    busy: Map<PoolWorker, number>,
    take: (indexes: number[], results: Uint8Array[]) => void,
    block: boolean,
  ): void {
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      let got = false;
      for (const w of this.pool ?? []) {
        for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
          const { id, results } = m.message as { id: number; results: Uint8Array[] };
          const sent = inFlight.get(id);
          if (!sent) continue;
          inFlight.delete(id);
          busy.set(sent.worker, busy.get(sent.worker)! - 1);
          take(sent.indexes, results);
          got = true;
        }
      }
      if (got || !block || inFlight.size === 0) return;
      Atomics.wait(this.signal, 0, seen, 1000);
      if (Date.now() > deadline) {
        this.abandoned = true;
        this.close();
        return;
      }
    }
  }

  /** The worker pool, started on first need; [] when none are wanted or they cannot be used here. */
  private workers(): PoolWorker[] {
    if (this.abandoned) return [];
    if (this.pool) return this.pool;
    const wanted = this.workerCount ?? DEFAULT_WORKERS;
    if (wanted <= 0) return [];
    const script = new URL('./worker.js', import.meta.url);
    // Run from TypeScript sources (the tests), there is no compiled worker to start: parse in this thread.
    if (!fs.existsSync(fileURLToPath(script))) {
      this.pool = [];
      return this.pool;
    }
    this.pool = Array.from({ length: wanted }, () => {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(script, { workerData: { port: port2, signal: this.signal }, transferList: [port2] });
      // A worker that fails is given up on once overdue (see receive); its error must not end the process.
      worker.on('error', () => {});
      worker.unref();
      port1.unref();
      return { worker, port: port1 };
    });
    return this.pool;
  }
}

/** Worker count from $LINT_GITOPS_WORKERS (a whole number), else undefined: DEFAULT_WORKERS. */
export function workersFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.LINT_GITOPS_WORKERS;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 16) : undefined;
}
