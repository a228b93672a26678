/**
 * Per-connection command budgets (PROTOCOL.md §5): each command has `budget`
 * points per window, and a command's window starts with its first request.
 */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; used: number }>();
  readonly #budget: number;
  readonly #windowMs: number;

  constructor(budget: number, windowMs: number) {
    this.#budget = budget;
    this.#windowMs = windowMs;
  }

  /** Spends `cost` points of `command`, or returns the ms until it may be used again. */
  take(command: string, cost: number, now: number): { ok: true } | { ok: false; retryAfter: number } {
    let window = this.#windows.get(command);
    if (!window || now - window.start >= this.#windowMs) {
      window = { start: now, used: 0 };
      this.#windows.set(command, window);
    }
    if (window.used + cost > this.#budget) return { ok: false, retryAfter: window.start + this.#windowMs - now };
    window.used += cost;
    return { ok: true };
  }
}

/**
 * Counts events in a sliding window and says when more than `limit` of them
 * happened within `windowMs` (the flood guard for rejected frames).
 */
export class SlidingCounter {
  readonly #times: number[] = [];
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Records one event at `now`; true when the limit is now exceeded. */
  hit(now: number): boolean {
    this.#times.push(now);
    while (this.#times.length > 0 && (this.#times[0] as number) <= now - this.#windowMs) this.#times.shift();
    if (this.#times.length > this.#limit + 1) this.#times.splice(0, this.#times.length - this.#limit - 1);
    return this.#times.length > this.#limit;
  }
}
