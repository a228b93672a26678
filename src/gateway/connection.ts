import type { WebSocket } from 'ws';
import { encodeFrame, type ContentType } from '../protocol/codec.js';
import type { Session } from '../commands/index.js';
import type { FrameSource } from './dispatch.js';
import { RateLimiter, SlidingCounter } from './rate-limiter.js';

export interface ConnectionOptions {
  slug: string;
  instanceId: number;
  contentType: ContentType;
  address: string;
  rateLimiter: RateLimiter | undefined;
  flood: SlidingCounter;
  sendBufferLimit: number;
}

// WebSocket close codes the gateway uses (PROTOCOL.md §9).
export const CLOSE = Object.freeze({ goingAway: 1001, policy: 1008, tooBig: 1009, invalidInstance: 4004 });

/**
 * One terminal's WebSocket: its tenant, content type, budgets, and a request
 * queue that answers frames in the order they arrived.
 */
export class Connection implements FrameSource {
  readonly slug: string;
  readonly instanceId: number;
  readonly contentType: ContentType;
  readonly address: string;
  readonly limiter: RateLimiter | undefined;
  readonly flood: SlidingCounter;
  readonly #ws: WebSocket;
  readonly #sendBufferLimit: number;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  missedPings = 0;
  readonly session: Session = { deviceUuid: undefined };
  verifiedKey: { key: string; against: string } | undefined;

  constructor(ws: WebSocket, options: ConnectionOptions) {
    this.#ws = ws;
    this.slug = options.slug;
    this.instanceId = options.instanceId;
    this.contentType = options.contentType;
    this.address = options.address;
    this.limiter = options.rateLimiter;
    this.flood = options.flood;
    this.#sendBufferLimit = options.sendBufferLimit;
  }

  get open(): boolean {
    return this.#ws.readyState === this.#ws.OPEN;
  }

  /** Requests received and not yet answered. */
  get pending(): number {
    return this.#pending;
  }

  /** Queues work so that answers leave in the order requests came in. */
  enqueue(work: () => Promise<void>): Promise<void> {
    this.#pending += 1;
    this.#queue = this.#queue.then(work).finally(() => {
      this.#pending -= 1;
    });
    return this.#queue;
  }

  /**
   * Sends an envelope, unless the client stopped reading: once the unsent
   * output passes the bound the connection is dropped instead of growing.
   */
  send(envelope: object): void {
    if (this.#writable()) this.#ws.send(encodeFrame(envelope, this.contentType));
  }

  /** Sends a frame encoded once for every connection (a broadcast), in this connection's content type. */
  sendEncoded(frames: Readonly<Record<ContentType, Buffer>>): void {
    if (this.#writable()) this.#ws.send(frames[this.contentType], { binary: false });
  }

  #writable(): boolean {
    if (!this.open) return false;
    if (this.#ws.bufferedAmount > this.#sendBufferLimit) {
      this.close(CLOSE.policy, 'send buffer full');
      return false;
    }
    return true;
  }

  /** Closes with a code, and cuts the socket if the peer does not finish the handshake soon. */
  close(code: number, reason: string): void {
    if (this.#ws.readyState === this.#ws.CLOSED) return;
    this.#ws.close(code, reason);
    setTimeout(() => this.#ws.terminate(), 2000).unref();
  }

  /** Sends a ping; a connection that missed two in a row is terminated. */
  ping(): void {
    if (this.missedPings >= 2) {
      this.#ws.terminate();
      return;
    }
    this.missedPings += 1;
    this.#ws.ping();
  }
}
