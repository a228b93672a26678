import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { StoredEvent } from '../store/types.js';
import type { ShardPeers } from './shard-peers.js';

/**
 * Delivers events that any process sharing the store published (an import,
 * a CLI broadcast, another shard). It reads the store's event log from where
 * it started, so a gateway never replays what happened before it came up.
 * It polls; it also reads at once when the store says something was published
 * (PostgreSQL NOTIFY from anywhere; SQLite for this process) and when another
 * shard under the same supervisor announces it published.
 */
export class EventRelay {
  readonly #store: Store;
  readonly #intervalMs: number;
  readonly #deliver: (event: StoredEvent) => void;
  readonly #log: Logger;
  readonly #peers: ShardPeers | undefined;
  #lastId = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(store: Store, intervalMs: number, deliver: (event: StoredEvent) => void, log: Logger, peers?: ShardPeers) {
    this.#store = store;
    this.#peers = peers;
    this.#intervalMs = intervalMs;
    this.#deliver = deliver;
    this.#log = log;
  }

  async start(): Promise<void> {
    this.#lastId = await this.#store.latestEventId();
    await this.#store.watchEvents((here) => {
      this.pollNow();
      if (here) this.#peers?.announce();
    });
    this.#peers?.onAnnounce(() => this.pollNow());
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
    this.#peers?.close();
    clearTimeout(this.#timer);
    await this.#running;
  }
}
