import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { StoredEvent } from '../store/types.js';

/**
 * Delivers events that any process sharing the store published (an import,
 * a CLI broadcast, another shard). It reads the store's event log from where
 * it started, so a gateway never replays what happened before it came up.
 * It polls; where the store can push (PostgreSQL NOTIFY) it also reads at once.
 */
export class EventRelay {
  readonly #store: Store;
  readonly #intervalMs: number;
  readonly #deliver: (event: StoredEvent) => void;
  readonly #log: Logger;
  #lastId = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(store: Store, intervalMs: number, deliver: (event: StoredEvent) => void, log: Logger) {
    this.#store = store;
    this.#intervalMs = intervalMs;
    this.#deliver = deliver;
    this.#log = log;
  }

  async start(): Promise<void> {
    this.#lastId = await this.#store.latestEventId();
    await this.#store.watchEvents(() => this.pollNow());
    this.#schedule();
  }

  /** Reads new events now (or right after the read under way). */
  pollNow(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#poll().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.pollNow();
      } else {
        this.#schedule();
      }
    });
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.pollNow(), this.#intervalMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    try {
      for (;;) {
        const events = await this.#store.eventsAfter(this.#lastId);
        for (const event of events) {
          this.#lastId = event.id;
          this.#deliver(event);
        }
        if (events.length < 1000) return;
      }
    } catch (e) {
      this.#log.error({ err: e }, 'reading events failed');
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
