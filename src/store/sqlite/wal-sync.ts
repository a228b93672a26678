import { open, type FileHandle } from 'node:fs/promises';

/**
 * synchronous=FULL without stopping the event loop. SQLite's FULL fsyncs
 * the WAL inside COMMIT, on the only thread, so every read waits for the
 * disk. Instead the connection commits with NORMAL (consistent, not yet
 * durable) and the store calls `durable()` before it answers: that fsyncs
 * the WAL on the thread pool, once for every commit waiting at that moment,
 * which is exactly what FULL would have synced. A write is answered only
 * after its commit is on disk, as with FULL.
 */
export class WalSync {
  readonly #path: string;
  #handle: Promise<FileHandle> | undefined;
  #committed = 0;
  #synced = 0;
  #syncing: Promise<void> | undefined;
  #failed: Error | undefined;

  constructor(walPath: string) {
    this.#path = walPath;
  }

  /** Resolves once every commit made before this call is on disk. */
  async durable(): Promise<void> {
    this.#committed += 1;
    await this.flushed();
  }

  /**
   * Resolves once every commit announced so far (through `durable`) is on
   * disk; costs nothing when they all are. Ledger reads wait for it, so no
   * reader is shown a row a power cut could still take back.
   */
  async flushed(): Promise<void> {
    const target = this.#committed;
    while (this.#synced < target) {
      this.check();
      // A sync already under way may have started before this commit: then wait for the next one.
      this.#syncing ??= this.#sync();
      await this.#syncing;
    }
  }

  async #sync(): Promise<void> {
    const upTo = this.#committed;
    try {
      // The -wal file lives as long as a connection has the database open, so one descriptor serves.
      // A failed open is not kept: the next sync tries again.
      const handle = await (this.#handle ??= open(this.#path, 'r').catch((e: unknown) => {
        this.#handle = undefined;
        throw e;
      }));
      try {
        await handle.sync();
      } catch (e) {
        this.#failed = new Error(`fsync of ${this.#path} failed; restart the gateway once the disk is sound`, { cause: e });
        throw this.#failed;
      }
      this.#synced = Math.max(this.#synced, upTo);
    } finally {
      this.#syncing = undefined;
    }
  }

  /**
   * Throws once an fsync has failed. The kernel may have dropped the pages it
   * could not write and a later fsync can succeed without them, so nothing
   * is called durable again until a restart (PostgreSQL does the same).
   */
  check(): void {
    if (this.#failed) throw this.#failed;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await (await handle?.catch(() => undefined))?.close();
  }
}
