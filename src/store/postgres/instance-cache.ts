import type { Instance } from '../types.js';

/** Beyond this many remembered instances the cache starts over (slugs come from clients). */
const MAX_ENTRIES = 10_000;
/** However a row was kept, it is read again after this long: the bound if notices were lost unnoticed. */
const MAX_AGE_MS = 5000;

/**
 * Instance rows remembered between requests, but only while this store hears
 * of every change to them: a trigger (migration 4) sends a notification on
 * every write to an instance's slug, name, keys or catalogue version, and the
 * store's listening connection calls `changed()`. While that connection is
 * down the cache remembers nothing, as notices may be missed meanwhile.
 *
 * A change made by another process is seen once its notice arrives (the
 * commit sends it), and after MAX_AGE_MS at the latest. Until then a request
 * may use the row as it was; a sale is still checked against the current
 * catalogue version when it commits.
 */
export class InstanceCache {
  readonly #rows = new Map<string, { row: Instance; until: number }>();
  #generation = 0;
  #live = false;

  /** The remembered row, or undefined: read it, with `generation` taken before the read. */
  get(slug: string): Instance | undefined {
    if (!this.#live) return undefined;
    const entry = this.#rows.get(slug);
    return entry && entry.until > performance.now() ? entry.row : undefined;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Remembers a row read since `generation`, unless a change was heard meanwhile (the row may predate it). */
  remember(slug: string, row: Instance, generation: number): void {
    if (!this.#live || generation !== this.#generation) return;
    if (this.#rows.size >= MAX_ENTRIES) this.#rows.clear();
    this.#rows.set(slug, { row: Object.freeze(row), until: performance.now() + MAX_AGE_MS });
  }

  /** Some instance row changed: forget them all. */
  changed(): void {
    this.#generation++;
    this.#rows.clear();
  }

  /** The listening connection is up (and LISTENs) or lost. */
  setLive(live: boolean): void {
    this.changed();
    this.#live = live;
  }
}
