/**
 * Frames read in one turn of the event loop are dispatched together, right
 * after that turn's I/O (setImmediate). `onBatch` runs first, once: the
 * store's read cache then looks for changes by other processes once for the
 * whole batch, and the look is still exact, because every frame of the batch
 * had arrived before it. Order per connection is kept (the connection's own
 * queue); a frame waits at most for the rest of the turn's I/O.
 */
export class Arrivals {
  readonly #onBatch: () => void;
  #waiting: (() => void)[] = [];
  #scheduled = false;

  constructor(onBatch: () => void) {
    this.#onBatch = onBatch;
  }

  /** Queues the start of one frame's work for the end of this turn. */
  add(start: () => void): void {
    this.#waiting.push(start);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Starts everything queued now (also used by shutdown, so no read frame is left behind). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#waiting;
    if (batch.length === 0) return;
    this.#waiting = [];
    this.#onBatch();
    for (const start of batch) start();
  }
}
