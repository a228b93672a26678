import JSON5 from 'json5';
import WebSocket from 'ws';

export interface Envelope {
  type: 'event' | 'error' | 'broadcast';
  nonce?: string | number;
  result: {
    event?: string;
    error?: string;
    message?: string;
    code?: unknown;
    command?: string;
    parameter?: string;
    parameters?: Record<string, any>;
  };
}

/**
 * A test terminal: a real WebSocket client that keeps every frame it
 * receives, so tests can await answers and broadcasts in order.
 */
export class Terminal {
  readonly ws: WebSocket;
  readonly frames: Envelope[] = [];
  readonly raw: string[] = [];
  closeCode: number | undefined;
  #waiters: (() => void)[] = [];
  #read = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      this.frames.push(JSON5.parse(text) as Envelope);
      this.#wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.#wake();
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Connects to `base` + `path` (default `/?instance=SLUG&Content-Type=json`). */
  static async connect(base: string, query: string): Promise<Terminal> {
    const ws = new WebSocket(`${base}${query}`);
    const terminal = new Terminal(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return terminal;
  }

  /** Sends a raw text frame. */
  sendRaw(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }

  /** Sends a request as JSON and resolves with the next answer (skipping broadcasts). */
  async request(command: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Envelope> {
    this.sendRaw(JSON.stringify({ command, parameters, ...extra }));
    return this.nextAnswer();
  }

  /** The next frame that is not a broadcast. */
  async nextAnswer(timeoutMs = 10_000): Promise<Envelope> {
    return this.next((f) => f.type !== 'broadcast', timeoutMs);
  }

  /** The next unread frame matching `match`; frames before it are skipped. */
  async next(match: (f: Envelope) => boolean = () => true, timeoutMs = 10_000): Promise<Envelope> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#read < this.frames.length) {
        const frame = this.frames[this.#read++] as Envelope;
        if (match(frame)) return frame;
      }
      if (this.closeCode !== undefined) throw new Error(`connection closed (${this.closeCode}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves with the close code once the server closed the connection. */
  async closed(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error('connection did not close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * The HTTP status of a WebSocket upgrade to `url`: 101 when it opened
 * (the connection is closed again at once), else the refusal's status.
 */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.once('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e);
    });
  });
}
