import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import JSON5 from 'json5';
import WebSocket from 'ws';
import { Latencies, type LatencySummary } from './lib/latency.js';

/** A request frame as a terminal sends it: JSON, or JSON5 like the reference client. */
export function requestFrame(command: string, parameters: Record<string, unknown>, json5 = false): string {
  const request = { command, parameters };
  return json5 ? JSON5.stringify(request) : JSON.stringify(request);
}

/** True for an error envelope in either content type (reads only the first bytes). */
export function isErrorFrame(data: Buffer): boolean {
  const head = data.toString('latin1', 0, 16);
  return head.startsWith('{"type":"error"') || head.startsWith("{type:'error'") || head.startsWith('{type:"error"');
}

/**
 * Opens `count` WebSocket connections spread round-robin over `urls`, at most
 * `parallel` handshakes at a time; a refused upgrade (429) is retried.
 */
export async function connectMany(urls: readonly string[], count: number, parallel = 200): Promise<WebSocket[]> {
  const sockets: WebSocket[] = new Array(count);
  let next = 0;
  const one = (url: string): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const url = urls[i % urls.length] as string;
      for (let attempt = 1; ; attempt++) {
        try {
          sockets[i] = await one(url);
          break;
        } catch (e) {
          if (attempt >= 20) throw e;
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return sockets;
}

/** Closes sockets and waits (bounded) until they are closed. */
export async function closeAll(sockets: readonly WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 2000);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close();
        }),
    ),
  );
}

export interface LoopResult {
  /** Answers received inside the measured window. */
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latency: LatencySummary;
  firstError: string | undefined;
  /** p99 of the load generator's own event-loop delay, ms: how much of the latency is ours. */
  loadGenLagP99: number;
  /** Every answer, warm-up included, and the error answers among them (for the ledger check). */
  total: number;
  totalErrors: number;
}

export interface ClosedLoopOptions {
  warmupMs: number;
  durationMs: number;
  /** Called when the measured window opens and closes (CPU sampling of the server). */
  onWindow?: (phase: 'start' | 'end') => void;
}

/**
 * Closed loop: every connection has one request in flight and sends the next
 * as soon as the answer arrives, for warm-up plus the measured window.
 */
export function closedLoop(sockets: readonly WebSocket[], frameFor: (socket: number) => string, options: ClosedLoopOptions): Promise<LoopResult> {
  const latencies = new Latencies();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  let measuring = false;
  let stopping = false;
  let inflight = 0;
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  let started = 0;
  let ended = 0;
  let total = 0;
  let totalErrors = 0;
  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      lag.disable();
      for (const ws of sockets) ws.removeAllListeners('message').removeAllListeners('close');
      const seconds = (ended - started) / 1000;
      resolve({ requests, errors, seconds, perSecond: requests / seconds, latency: latencies.summary(), firstError, loadGenLagP99: lag.percentile(99) / 1e6, total, totalErrors });
    };
    sockets.forEach((ws, i) => {
      let sentAt = 0;
      const send = (): void => {
        sentAt = performance.now();
        inflight += 1;
        ws.send(frameFor(i));
      };
      ws.on('message', (data: Buffer) => {
        inflight -= 1;
        total += 1;
        const failed = isErrorFrame(data);
        if (failed) totalErrors += 1;
        if (measuring) {
          latencies.add(performance.now() - sentAt);
          requests += 1;
          if (failed) {
            errors += 1;
            firstError ??= data.toString().slice(0, 300);
          }
        }
        if (!stopping) send();
        else if (inflight === 0) finish();
      });
      ws.on('close', () => {
        if (!stopping) errors += 1;
      });
      send();
    });
    setTimeout(() => {
      measuring = true;
      lag.enable();
      started = performance.now();
      options.onWindow?.('start');
    }, options.warmupMs);
    setTimeout(() => {
      measuring = false;
      stopping = true;
      ended = performance.now();
      options.onWindow?.('end');
      if (inflight === 0) finish();
      setTimeout(finish, 5000).unref();
    }, options.warmupMs + options.durationMs);
  });
}

export interface OpenLoopOptions {
  periodMs: number;
  durationMs: number;
  /** The request each connection sends every period. */
  first: (socket: number) => string;
  /** Sent on the answer to `first` (a terminal reading after its sale). */
  then: (socket: number) => string;
  onWindow?: (phase: 'start' | 'end') => void;
}

/**
 * Open loop: each connection sends `first` every `periodMs` (random phase),
 * whether or not earlier answers came, and `then` when `first` is answered.
 * Latency runs from the send to the answer; answers missing 5 s after the
 * end count as errors.
 */
export function openLoop(sockets: readonly WebSocket[], options: OpenLoopOptions): Promise<LoopResult & { byKind: { first: LatencySummary; then: LatencySummary } }> {
  const all = new Latencies();
  const byKind = { first: new Latencies(), then: new Latencies() };
  const lag = monitorEventLoopDelay({ resolution: 10 });
  let errors = 0;
  let requests = 0;
  let outstanding = 0;
  let firstError: string | undefined;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  return new Promise((resolve) => {
    let finished = false;
    const started = performance.now();
    let ended = 0;
    lag.enable();
    options.onWindow?.('start');
    const finish = (): void => {
      if (finished) return;
      finished = true;
      lag.disable();
      errors += outstanding;
      for (const ws of sockets) ws.removeAllListeners('message').removeAllListeners('close');
      const seconds = (ended - started) / 1000;
      resolve({
        requests,
        errors,
        seconds,
        perSecond: requests / seconds,
        latency: all.summary(),
        firstError,
        loadGenLagP99: lag.percentile(99) / 1e6,
        total: requests,
        totalErrors: errors - outstanding,
        byKind: { first: byKind.first.summary(), then: byKind.then.summary() },
      });
    };
    sockets.forEach((ws, i) => {
      const queue: { at: number; kind: 'first' | 'then' }[] = [];
      const send = (kind: 'first' | 'then'): void => {
        queue.push({ at: performance.now(), kind });
        outstanding += 1;
        ws.send(kind === 'first' ? options.first(i) : options.then(i));
      };
      ws.on('message', (data: Buffer) => {
        const sent = queue.shift();
        if (!sent) return;
        outstanding -= 1;
        const ms = performance.now() - sent.at;
        all.add(ms);
        byKind[sent.kind].add(ms);
        requests += 1;
        if (isErrorFrame(data)) {
          errors += 1;
          firstError ??= data.toString().slice(0, 300);
        } else if (sent.kind === 'first' && !stopping) {
          send('then');
        }
        if (stopping && outstanding === 0) finish();
      });
      ws.on('close', () => {
        if (!stopping) errors += 1;
      });
      const phase = Math.random() * options.periodMs;
      timers.push(
        setTimeout(() => {
          if (stopping) return;
          send('first');
          timers.push(setInterval(() => send('first'), options.periodMs));
        }, phase),
      );
    });
    setTimeout(() => {
      stopping = true;
      ended = performance.now();
      options.onWindow?.('end');
      timers.forEach((t) => clearTimeout(t));
      if (outstanding === 0) finish();
      setTimeout(finish, 5000).unref();
    }, options.durationMs);
  });
}
