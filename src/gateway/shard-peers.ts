/** The message shards exchange through their supervisor. */
const EVENTS_PUBLISHED = 'concertpos:events-published';

/**
 * The other shards under the same supervisor, reached through its IPC
 * channel. A shard that published an event says so; the supervisor passes it
 * on, and every other shard reads the event log at once instead of at its
 * next poll (the SQLite store cannot notify other processes itself).
 */
export class ShardPeers {
  readonly #listeners: (() => void)[] = [];
  readonly #onMessage = (message: unknown): void => {
    if (ShardPeers.isAnnouncement(message)) this.#listeners.forEach((l) => l());
  };

  /** The peers of this process, when a supervisor started it with an IPC channel. */
  static ofThisProcess(): ShardPeers | undefined {
    return typeof process.send === 'function' ? new ShardPeers() : undefined;
  }

  /** Tells the other shards that events were published here. */
  announce(): void {
    if (process.connected) process.send?.({ type: EVENTS_PUBLISHED }, undefined, undefined, () => undefined);
  }

  /** Calls `listener` whenever another shard announces events. */
  onAnnounce(listener: () => void): void {
    if (this.#listeners.length === 0) process.on('message', this.#onMessage);
    this.#listeners.push(listener);
  }

  /** Stops listening, so the channel no longer keeps the process alive. */
  close(): void {
    this.#listeners.length = 0;
    process.off('message', this.#onMessage);
  }

  /** Type of the message, for the supervisor that relays it. */
  static isAnnouncement(message: unknown): boolean {
    return (message as { type?: unknown } | null)?.type === EVENTS_PUBLISHED;
  }
}
