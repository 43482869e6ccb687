/**
 * Worker-thread entry of the parse pool (src/load/parse/pool.ts): parses batches of files and posts each result
 * back serialized, its buffer transferred rather than copied. It answers every batch, whatever happens, because
 * the main thread waits for it synchronously.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { serialize } from 'node:v8';
import { parseToBuffer } from './parsed-file.js';

interface Data {
  port: MessagePort;
  signal: Int32Array;
}

const { port, signal } = workerData as Data;

port.on('message', (batch: { id: number; files: { path: string; text: string }[] }) => {
  const results: Uint8Array[] = batch.files.map((f) => {
    try {
      return parseToBuffer(f.path, f.text);
    } catch (e) {
      return serialize({ docs: [], problem: { kind: 'unreadable', reason: `YAML parser gave up: ${(e as Error).message}` } });
    }
  });
  // Transfer each result's own buffer; a result that shares one (a pooled Buffer) is copied out first.
  const own = results.map((r) => (r.byteOffset === 0 && r.buffer.byteLength === r.byteLength ? r : new Uint8Array(r)));
  port.postMessage({ id: batch.id, results: own }, own.map((r) => r.buffer as ArrayBuffer));
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
