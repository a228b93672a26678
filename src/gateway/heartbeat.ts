/** How often a slice of the connections is pinged. */
const SLICE_MS = 100;
/** Slices at most, whatever the interval (each is a Set): longer intervals get longer ticks. */
const MAX_SLICES = 600;

/**
 * Beats every member once per interval, one slice at a time. Pinging all
 * connections at once stopped the event loop for about 50 ms at 2,000
 * connections (a send each, then all their pongs together), and every
 * request that came in meanwhile waited; in the festival benchmark those
 * stalls, twice a minute, were a large part of the p99. Members are dealt
 * round robin into interval / 100 ms slices (600 at most), and one slice is
 * beaten every interval / slices, so each member still gets one beat per
 * interval.
 */
export class Heartbeat<T> {
  readonly #slices: Set<T>[];
  readonly #beat: (due: ReadonlySet<T>) => void;
  readonly #timer: NodeJS.Timeout;
  #dealt = 0;
  #due = 0;

  constructor(intervalMs: number, beat: (due: ReadonlySet<T>) => void) {
    const count = Math.min(MAX_SLICES, Math.max(1, Math.floor(intervalMs / SLICE_MS)));
    this.#slices = Array.from({ length: count }, () => new Set<T>());
    this.#beat = beat;
    this.#timer = setInterval(() => this.tick(), intervalMs / count);
    // It must not keep a process alive by itself.
    this.#timer.unref();
  }

  /** Adds a member; the returned slice number is what `delete` needs. */
  add(member: T): number {
    const slice = this.#dealt++ % this.#slices.length;
    this.#slices[slice]?.add(member);
    return slice;
  }

  delete(member: T, slice: number): void {
    this.#slices[slice]?.delete(member);
  }

  /** Beats the next slice (the timer calls this; tests may too). */
  tick(): void {
    const slice = this.#slices[this.#due];
    this.#due = (this.#due + 1) % this.#slices.length;
    if (slice && slice.size > 0) this.#beat(slice);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
