import { Worker } from 'node:worker_threads';

/** Pages of WAL after which the writing connection checkpoints itself, if the checkpointer fell behind. */
export const BACKSTOP_PAGES = 20_000;

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint
 * runs inside the COMMIT that crosses 1,000 pages and fsyncs the WAL and the
 * database file there, stopping the gateway for tens of milliseconds on a
 * slow disk. A worker thread with its own connection checkpoints instead
 * (PASSIVE: it never blocks a writer); the writer keeps an automatic
 * checkpoint at BACKSTOP_PAGES only as a safety net.
 */
export class Checkpointer {
  readonly #worker: Worker;

  constructor(file: string, synchronous: 'FULL' | 'NORMAL', intervalMs = 200) {
    this.#worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { file, intervalMs, synchronous } });
    this.#worker.on('error', () => undefined);
    // It must not keep a CLI process alive.
    this.#worker.unref();
  }

  async close(): Promise<void> {
    // Referenced again while closing: the caller awaits this, so the process must not exit under it.
    this.#worker.ref();
    const exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    this.#worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    await this.#worker.terminate();
  }
}
