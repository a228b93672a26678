import type { TicketDraft } from './types.js';

/** An appendTicket call waiting for its batch. */
export interface PendingAppend {
  instanceId: number;
  slug: string;
  draft: TicketDraft;
  now: string;
}

/** The outcome of one item of a batch: its value, or the error that failed only it. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Group commit. Items submitted in the same turn of the event loop, or while
 * the previous batch is being written, are handed to `write` together, so
 * one commit (one fsync, one round of locking) serves many sales. `write`
 * must give each item its own outcome and keep each item atomic; a failure
 * of the batch as a whole (the commit) fails every item in it. Nothing is
 * resolved before `write` has returned, that is before the commit.
 */
export class GroupCommit<T, R> {
  readonly #write: (items: T[]) => Promise<Settled<R>[]>;
  readonly #durable: () => Promise<void>;
  readonly #maxBatch: number;
  #queue: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;
  #writing = false;

  /**
   * `durable`, when given, resolves once what `write` committed is on disk;
   * the next batch may be written meanwhile, and their syncs can be shared.
   */
  constructor(write: (items: T[]) => Promise<Settled<R>[]>, durable: () => Promise<void> = async () => undefined, maxBatch = 256) {
    this.#write = write;
    this.#durable = durable;
    this.#maxBatch = maxBatch;
  }

  /** Queues one item; resolves with its outcome once its batch is committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing) return;
    this.#scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every frame read in it has queued its sale by then.
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    this.#writing = true;
    const batch = this.#queue.splice(0, this.#maxBatch);
    let settled: Promise<Settled<R>[]>;
    try {
      const outcomes = await this.#write(batch.map((b) => b.item));
      // Durability is awaited outside the write section: the next batch may commit meanwhile.
      settled = this.#durable().then(() => outcomes);
    } catch (e) {
      settled = Promise.reject(e);
    } finally {
      this.#writing = false;
      if (this.#queue.length > 0) this.#schedule();
    }
    try {
      const outcomes = await settled;
      batch.forEach((b, i) => {
        const outcome = outcomes[i];
        if (!outcome) b.reject(new Error('group commit: no outcome for an item'));
        else if (outcome.ok) b.resolve(outcome.value);
        else b.reject(outcome.error);
      });
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
