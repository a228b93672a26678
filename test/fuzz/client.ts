import WebSocket from 'ws';

/** What became of one frame: the text of its answer, or the close that ended the connection. */
export type Reply = { answer: string } | { close: number } | { timeout: true };

/**
 * A lean fuzzing client: one request in flight at a time, so the next frame
 * that is not a broadcast is the answer. It keeps nothing but counters.
 */
export class FuzzClient {
  readonly contentType: 'json' | 'json5';
  readonly #ws: WebSocket;
  #waiting: ((reply: Reply) => void) | undefined;
  #closeCode: number | undefined;
  broadcasts = 0;
  /** Frames answered on this connection that were rejected before step 6 (they feed the flood guard). */
  earlyRejections = 0;

  private constructor(ws: WebSocket, contentType: 'json' | 'json5') {
    this.#ws = ws;
    this.contentType = contentType;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? `<binary ${data.length} bytes>` : data.toString('utf8');
      if (/^\{\s*["']?type["']?\s*:\s*["']broadcast["']/.test(text)) {
        this.broadcasts += 1;
        return;
      }
      this.#settle({ answer: text });
    });
    ws.on('close', (code) => {
      this.#closeCode = code;
      this.#settle({ close: code });
    });
    ws.on('error', () => undefined);
  }

  static async open(url: string, contentType: 'json' | 'json5'): Promise<FuzzClient> {
    const ws = new WebSocket(`${url}/?instance=demo&Content-Type=${contentType}`, { maxPayload: 256 * 1024 * 1024 });
    const client = new FuzzClient(ws, contentType);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  get closed(): boolean {
    return this.#closeCode !== undefined;
  }

  #settle(reply: Reply): void {
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.(reply);
  }

  /** Sends one frame and resolves with its answer, the close, or a timeout. */
  send(bytes: Buffer, binary: boolean, timeoutMs: number): Promise<Reply> {
    if (this.#closeCode !== undefined) return Promise.resolve({ close: this.#closeCode });
    return new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => this.#settle({ timeout: true }), timeoutMs);
      this.#waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.#ws.send(bytes, { binary }, () => undefined);
    });
  }

  terminate(): void {
    this.#ws.terminate();
  }

  close(): void {
    this.#ws.close();
  }
}
