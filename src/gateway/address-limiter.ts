/**
 * Per client address: at most `perSecond` new connections in any one-second
 * window and `maxOpen` open ones (PROTOCOL.md §5). A festival's bars often
 * share one NAT address, hence the generous defaults.
 */
export class AddressLimiter {
  readonly #open = new Map<string, number>();
  readonly #recent = new Map<string, { second: number; count: number }>();
  readonly #perSecond: number;
  readonly #maxOpen: number;

  constructor(perSecond: number, maxOpen: number) {
    this.#perSecond = perSecond;
    this.#maxOpen = maxOpen;
  }

  /** Admits a new connection from `address` (counting it as open) or refuses it. */
  admit(address: string, now: number): boolean {
    const second = Math.floor(now / 1000);
    if (this.#recent.size > 10_000) this.#forgetBefore(second);
    const recent = this.#recent.get(address);
    const count = recent && recent.second === second ? recent.count : 0;
    if (count >= this.#perSecond || (this.#open.get(address) ?? 0) >= this.#maxOpen) return false;
    this.#recent.set(address, { second, count: count + 1 });
    this.#open.set(address, (this.#open.get(address) ?? 0) + 1);
    return true;
  }

  #forgetBefore(second: number): void {
    for (const [address, entry] of this.#recent) if (entry.second < second) this.#recent.delete(address);
  }

  /** Forgets one open connection of `address`. */
  release(address: string): void {
    const open = (this.#open.get(address) ?? 1) - 1;
    if (open <= 0) {
      this.#open.delete(address);
    } else {
      this.#open.set(address, open);
    }
  }
}
