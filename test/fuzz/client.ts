import WebSocket from 'ws';

/** What became of one frame: the text of its answer, the close that ended the connection, or nothing in time. */
export type Reply = { answer: string } | { close: number } | { timeout: true };

/**
 * A lean fuzzing client. Frames may be pipelined: answers come in the order
 * of the requests (PROTOCOL.md: one queue per connection), so the next frame
 * that is not a broadcast answers the oldest request still waiting.
 */
export class FuzzClient {
  readonly contentType: 'json' | 'json5';
  readonly #ws: WebSocket;
  readonly #waiting: ((reply: Reply) => void)[] = [];
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
      // An answer nobody waits for (after a timeout) is dropped; the timeout was reported.
      this.#waiting.shift()?.({ answer: text });
    });
    ws.on('close', (code) => {
      this.#closeCode = code;
      for (const w of this.#waiting.splice(0)) w({ close: code });
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

  /** Sends frames back to back and resolves with one reply per frame, in order. */
  sendMany(frames: readonly { bytes: Buffer; binary: boolean }[], timeoutMs: number): Promise<Reply[]> {
    if (this.#closeCode !== undefined) return Promise.resolve(frames.map(() => ({ close: this.#closeCode as number })));
    const replies = frames.map(
      () =>
        new Promise<Reply>((resolve) => {
          this.#waiting.push(resolve);
        }),
    );
    for (const f of frames) this.#ws.send(f.bytes, { binary: f.binary }, () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const all = Promise.all(replies);
    return Promise.race([all, timeout.then(() => undefined)]).then((done) => {
      clearTimeout(timer);
      if (done) return done;
      // Whatever has not come by now counts as no answer; later answers are dropped.
      const pending = this.#waiting.splice(0);
      for (const w of pending) w({ timeout: true });
      return all;
    });
  }

  /** Sends one frame and resolves with its reply. */
  async send(bytes: Buffer, binary: boolean, timeoutMs: number): Promise<Reply> {
    return (await this.sendMany([{ bytes, binary }], timeoutMs))[0] as Reply;
  }

  terminate(): void {
    this.#ws.terminate();
  }

  close(): void {
    this.#ws.close();
  }
}
