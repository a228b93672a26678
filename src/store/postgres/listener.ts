import pg from 'pg';

export interface ListenerOptions {
  url: string;
  channels: readonly string[];
  onNotify: (channel: string) => void;
  /**
   * true once LISTEN is in place (again), false when the connection is lost
   * or silent: notices may have been missed until the next true.
   */
  onLive: (live: boolean) => void;
  /** How often the connection must answer a query to count as alive. */
  heartbeatMs?: number;
}

const MAX_RETRY_MS = 10_000;

/**
 * One LISTEN connection that stays up: lost or silent (a half-open TCP
 * connection raises no error, so a heartbeat query must answer in time), it
 * is replaced, retrying with backoff until `close()`.
 */
export class Listener {
  readonly #o: ListenerOptions;
  readonly #heartbeatMs: number;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ListenerOptions) {
    this.#o = options;
    this.#heartbeatMs = options.heartbeatMs ?? 5000;
  }

  /** Connects and listens; rejects if the first attempt fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#o.url, keepAlive: true });
    client.on('notification', (n) => this.#o.onNotify(n.channel));
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(this.#o.channels.map((c) => `LISTEN ${c}`).join('; '));
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#heartbeat = setInterval(() => void this.#beat(client), this.#heartbeatMs).unref();
    this.#o.onLive(true);
  }

  async #beat(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      client.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.#heartbeatMs))),
    ]);
    clearTimeout(timer);
    if (!answered) this.#lost(client);
  }

  #lost(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    clearInterval(this.#heartbeat);
    this.#o.onLive(false);
    void client.end().catch(() => undefined);
    this.#scheduleRetry(1000);
  }

  #scheduleRetry(delayMs: number): void {
    if (this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#connect().catch(() => this.#scheduleRetry(Math.min(delayMs * 2, MAX_RETRY_MS)));
    }, delayMs);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const client = this.#client;
    this.#client = undefined;
    if (client) this.#o.onLive(false);
    await client?.end().catch(() => undefined);
  }
}
