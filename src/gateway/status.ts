import type { Store } from '../store/store.js';

/** The getstatus answer: a bootstrap alert class and a line for people. */
export interface Status {
  status: 'success' | 'warning' | 'danger';
  message: string;
}

export interface StatusOptions {
  store: Store;
  /** A status API to report instead of our own health; undefined: own health. */
  url: string | undefined;
  timeoutMs: number;
  cacheMs: number;
  now: () => number;
}

const LEVELS = new Set(['success', 'warning', 'danger']);

/**
 * Answers getstatus. Without a status URL it reports the gateway's own
 * health (can it reach its store?). With one, it fetches it with a short
 * timeout, caches the answer, and reports `warning` while it cannot be
 * reached: an unreachable status page is no reason to stop selling.
 */
export class StatusService {
  readonly #o: StatusOptions;
  #cached: { at: number; status: Status } | undefined;
  #inflight: Promise<Status> | undefined;

  constructor(options: StatusOptions) {
    this.#o = options;
  }

  async current(): Promise<Status> {
    if (this.#o.url === undefined) return this.#ownHealth();
    const cached = this.#cached;
    if (cached && this.#o.now() - cached.at < this.#o.cacheMs) return cached.status;
    // Many terminals ask at once after a restart: one fetch serves them all.
    this.#inflight ??= this.#fetch(this.#o.url).finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  async #ownHealth(): Promise<Status> {
    try {
      await this.#o.store.ping();
      return { status: 'success', message: 'All systems are operational' };
    } catch {
      return { status: 'danger', message: 'The gateway cannot reach its store' };
    }
  }

  async #fetch(url: string): Promise<Status> {
    let status: Status;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.#o.timeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      status = parseStatus(await response.json());
    } catch {
      status = { status: 'warning', message: 'The status service cannot be reached' };
    }
    this.#cached = { at: this.#o.now(), status };
    return status;
  }
}

/** Reads a status API answer: `{status, message}` at the top or under `data`. */
function parseStatus(body: unknown): Status {
  const candidates = [body, (body as { data?: unknown } | null)?.data];
  for (const c of candidates) {
    if (typeof c !== 'object' || c === null) continue;
    const { status, message } = c as Record<string, unknown>;
    if (typeof status === 'string' && LEVELS.has(status)) {
      return { status: status as Status['status'], message: typeof message === 'string' ? message.slice(0, 500) : '' };
    }
  }
  return { status: 'success', message: 'All systems are operational' };
}
