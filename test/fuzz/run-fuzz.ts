import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { DEMO_API_KEY, DEMO_BAR_PASSWORD } from '../../src/instances/demo.js';
import { ERRORS } from '../../src/protocol/errors.js';
import { runCli, startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { FuzzClient, type Reply } from './client.js';
import { CANARY, frameAt, type FrameKind, type FuzzFrame } from './frames.js';
import { PARSE_ERROR, type AnswerExpectation, type Baseline } from './oracle.js';
import { Prng } from './prng.js';

export interface FuzzOptions {
  frames: number;
  seed: number;
  /** Connections sending at once; even ones write JSON, odd ones JSON5. */
  connections: number;
  /** The bound on the gateway's resident memory (VmRSS). */
  rssLimitMiB: number;
  /** The gateway's --flood-limit: high, so the fuzzer is rarely cut off, but 1008 stays possible. */
  floodLimit: number;
  maxPayload: number;
  /** How long one frame may wait for its answer before it counts as a hang. */
  answerTimeoutMs: number;
  progress?: (line: string) => void;
}

export interface FuzzSummary {
  seed: number;
  frames: number;
  connections: number;
  seconds: number;
  byKind: Record<string, number>;
  byOutcome: Record<string, number>;
  closes: Record<string, number>;
  reconnects: number;
  peakRssMiB: number | undefined;
  rssLimitMiB: number;
  ledgerRows: number | undefined;
  ticketsBooked: number;
  violationCount: number;
  violations: string[];
}

export const DEFAULTS: FuzzOptions = Object.freeze({
  frames: 100_000,
  seed: 1,
  connections: 32,
  rssLimitMiB: 400,
  floodLimit: 1000,
  maxPayload: 65_536,
  answerTimeoutMs: 30_000,
});

// Errors of check steps 1–5 (PROTOCOL.md §2): they count towards the flood guard (close 1008).
const EARLY = new Set(['invalid_json', 'invalid_json5', 'invalid_request', 'missing_parameter_api', 'invalid_instance', 'no_api_key', 'api_key_mismatch']);
const MAX_REPORTED = 40;

const preview = (b: Buffer | string, n = 160): string => JSON.stringify(b.toString().slice(0, n)) + (b.length > n ? `…(${b.length} bytes)` : '');

function isJsonLine(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

/** Reads VmRSS of a process in MiB, or undefined where /proc is not there. */
function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

class Run {
  readonly o: FuzzOptions;
  readonly s: FuzzSummary;
  readonly rowIds = new Set<number>();
  readonly ticketIds = new Set<number>();
  lostAnswers = 0;
  baseline: Baseline = new Map();

  constructor(o: FuzzOptions) {
    this.o = o;
    this.s = { seed: o.seed, frames: 0, connections: o.connections, seconds: 0, byKind: {}, byOutcome: {}, closes: {}, reconnects: 0, peakRssMiB: undefined, rssLimitMiB: o.rssLimitMiB, ledgerRows: undefined, ticketsBooked: 0, violationCount: 0, violations: [] };
  }

  violation(text: string): void {
    this.s.violationCount += 1;
    if (this.s.violations.length < MAX_REPORTED) this.s.violations.push(text);
  }

  count(map: Record<string, number>, key: string): void {
    map[key] = (map[key] ?? 0) + 1;
  }

  /** Checks one answer against the frame's expectation; returns what is wrong. */
  checkAnswer(frame: FuzzFrame, exp: AnswerExpectation, text: string, client: FuzzClient): string | undefined {
    if (text.includes(CANARY)) return `the prototype-pollution canary appears in an answer: ${preview(text, 400)}`;
    let env: any;
    try {
      env = client.contentType === 'json' ? JSON.parse(text) : JSON5.parse(text);
    } catch {
      return `answer is not ${client.contentType}: ${preview(text)}`;
    }
    if (typeof env !== 'object' || env === null || Array.isArray(env)) return 'answer is not an object';
    if (Object.keys(env).some((k) => !['type', 'result', 'nonce'].includes(k))) return `unexpected envelope keys ${Object.keys(env)}`;
    const r = env.result;
    if (typeof r !== 'object' || r === null) return 'envelope without result';
    if (exp.nonce === undefined ? Object.hasOwn(env, 'nonce') : env.nonce !== exp.nonce) return `nonce ${JSON.stringify(env.nonce)}, expected ${JSON.stringify(exp.nonce)}`;
    const allowed = (name: string): boolean => {
      if (name === 'invalid_json' || name === 'invalid_json5') return exp.allowed.has(PARSE_ERROR) && name === (client.contentType === 'json' ? 'invalid_json' : 'invalid_json5');
      return exp.allowed.has(name);
    };
    if (env.type === 'error') {
      const name = r.error;
      this.count(this.s.byOutcome, `error:${name}`);
      if (typeof name !== 'string' || !Object.hasOwn(ERRORS, name)) return `error ${JSON.stringify(name)} is not in the catalogue`;
      if (EARLY.has(name)) client.earlyRejections += 1;
      if (JSON.stringify(r.code) !== JSON.stringify(ERRORS[name as keyof typeof ERRORS].code)) return `error ${name} has code ${JSON.stringify(r.code)}`;
      if (typeof r.message !== 'string' || r.message.length === 0 || /\n\s+at |SQLITE|sqlite|SELECT |INSERT /.test(r.message)) return `error ${name} has a bad message ${preview(String(r.message))}`;
      if (Object.keys(r).some((k) => !['error', 'code', 'message', 'command', 'parameter'].includes(k))) return `unexpected error keys ${Object.keys(r)}`;
      if (!allowed(name)) return `answered error ${name}, allowed: ${[...exp.allowed]}`;
      if (r.command !== exp.command) return `error.command ${preview(String(r.command), 40)}, expected ${preview(String(exp.command), 40)}`;
      if ((name === 'missing_parameter' || name === 'invalid_parameter') && exp.parameters && !exp.parameters.has(r.parameter)) {
        return `${name} names ${JSON.stringify(r.parameter)}, expected one of ${[...exp.parameters]}`;
      }
      return undefined;
    }
    if (env.type !== 'event') return `answer of type ${JSON.stringify(env.type)}`;
    this.count(this.s.byOutcome, `event:${r.event}`);
    if (Object.keys(r).some((k) => !['event', 'parameters'].includes(k))) return `unexpected event keys ${Object.keys(r)}`;
    if (typeof r.parameters !== 'object' || r.parameters === null) return 'event without parameters';
    if (!allowed(r.event)) return `answered event ${r.event}, allowed: ${[...exp.allowed]}`;
    if (r.event === 'payitem' && r.parameters.Duplicate === false) {
      this.ticketIds.add(r.parameters.TicketID);
      for (const row of r.parameters.Transactions ?? []) {
        if (this.rowIds.has(row.ID)) return `row ID ${row.ID} booked twice`;
        this.rowIds.add(row.ID);
      }
    }
    return exp.check?.(r.event, r.parameters, this.baseline);
  }

  /**
   * Sends frames back to back on one connection (pipelined, so the order of
   * answers is checked too); each must get its answer or its documented close.
   */
  async play(frames: FuzzFrame[], conn: { client: FuzzClient | undefined }, contentType: 'json' | 'json5', url: string): Promise<void> {
    let todo = frames;
    for (let attempt = 0; todo.length > 0; attempt++) {
      if (attempt === 3) return this.violation(`frames ${todo.map((f) => f.index)}: closed three times`);
      if (!conn.client || conn.client.closed) {
        conn.client = await FuzzClient.open(url, contentType);
        this.s.reconnects += 1;
      }
      const client = conn.client;
      const replies: Reply[] = await client.sendMany(todo, this.o.answerTimeoutMs);
      const again: FuzzFrame[] = [];
      for (const [j, frame] of todo.entries()) {
        const reply = replies[j] as Reply;
        const where = `frame ${frame.index} (${frame.kind}, ${contentType}, ${j + 1} of ${todo.length} pipelined) ${preview(frame.bytes)}`;
        if ('timeout' in reply) {
          this.violation(`${where}: no answer within ${this.o.answerTimeoutMs} ms`);
          client.terminate();
          return;
        }
        if ('close' in reply) {
          if (!this.#closesCounted.has(client)) this.count(this.s.closes, String(reply.close));
          this.#closesCounted.add(client);
          if (frame.expect.type === 'close' && reply.close === frame.expect.code) continue;
          // The flood guard (1008) may end a connection that sent enough rejected frames; the frame is sent again.
          if (reply.close === 1008 && client.earlyRejections > this.o.floodLimit) {
            this.lostAnswers += 1;
            again.push(frame);
            continue;
          }
          this.violation(`${where}: closed with ${reply.close}, expected ${frame.expect.type === 'close' ? `close ${frame.expect.code}` : [...frame.expect.allowed]}`);
          continue;
        }
        if (frame.expect.type === 'close') {
          this.violation(`${where}: answered ${preview(reply.answer)}, expected close ${frame.expect.code}`);
          continue;
        }
        const wrong = this.checkAnswer(frame, frame.expect, reply.answer, client);
        if (wrong) this.violation(`${where}: ${wrong}; answer ${preview(reply.answer, 300)}`);
      }
      todo = again;
    }
  }

  readonly #closesCounted = new WeakSet<FuzzClient>();

  /**
   * Worker `w` sends frames w, w + C, w + 2C, … in bursts of 1–8 pipelined
   * frames; a frame that must close the connection goes alone.
   */
  async worker(w: number, url: string): Promise<void> {
    const contentType = w % 2 === 0 ? 'json' : 'json5';
    const conn: { client: FuzzClient | undefined } = { client: undefined };
    const rng = new Prng((this.o.seed * 31 + w) >>> 0);
    let burst: FuzzFrame[] = [];
    let size = 1;
    const flush = async (): Promise<void> => {
      const frames = burst;
      burst = [];
      size = rng.chance(0.5) ? 1 : rng.int(2, 8);
      if (frames.length > 0) await this.play(frames, conn, contentType, url);
    };
    for (let i = w; i < this.o.frames; i += this.o.connections) {
      try {
        const frame = frameAt(this.o.seed, i, this.o.maxPayload);
        this.s.frames += 1;
        this.count(this.s.byKind, frame.kind);
        if (frame.expect.type === 'close') {
          await flush();
          burst = [frame];
          await flush();
        } else {
          burst.push(frame);
          if (burst.length >= size) await flush();
        }
      } catch (e) {
        this.violation(`frame ${i}: ${(e as Error).stack ?? String(e)}`);
        burst = [];
        if (this.serverGone()) return;
      }
    }
    try {
      await flush();
    } catch (e) {
      this.violation(`last frames of worker ${w}: ${(e as Error).stack ?? String(e)}`);
    }
    conn.client?.close();
  }

  /** Set by runFuzz: true once the gateway process has exited. */
  serverGone: () => boolean = () => false;

  /** Answers to the untouched read-only requests: every later answer to them must be the same. */
  async snapshot(url: string, withBackstage: boolean): Promise<Map<string, unknown>> {
    const client = await FuzzClient.open(url, 'json');
    const out = new Map<string, unknown>();
    const ask = async (key: string, command: string, params: Record<string, unknown> = {}): Promise<void> => {
      const reply = await client.send(Buffer.from(JSON.stringify({ command, parameters: { api_key: DEMO_API_KEY, ...params } })), false, this.o.answerTimeoutMs);
      const env = 'answer' in reply ? JSON.parse(reply.answer) : undefined;
      if (env?.type !== 'event') throw new Error(`${command} did not answer an event: ${JSON.stringify(reply)}`);
      out.set(key, env.result.parameters);
    };
    for (const c of ['getconfig', 'getdeposit', 'getlicense', 'listpos', 'version']) await ask(c, c);
    for (const pos of withBackstage ? [1, 2, 3] : [1, 2]) {
      for (const c of ['listpm', 'listproducts']) await ask(`${c}:${pos}`, c, { POSID: pos, posPassword: pos === 3 ? DEMO_BAR_PASSWORD : null });
    }
    client.close();
    return out;
  }
}

/**
 * Runs the fuzzer against a fresh gateway process: every frame must get a
 * documented answer or close, the process must survive with bounded memory
 * and unpolluted prototypes, and `concertpos verify` must pass afterwards.
 */
export async function runFuzz(options: Partial<FuzzOptions> = {}): Promise<FuzzSummary> {
  const o: FuzzOptions = { ...DEFAULTS, ...options };
  const run = new Run(o);
  const data = tempDir('concertpos-fuzz-');
  const started = Date.now();
  let server: RunningServer | undefined;
  let stopping = false;
  try {
    server = await startServer(['--data', data.path, '--no-rate-limit', '--flood-limit', String(o.floodLimit), '--max-payload', String(o.maxPayload)]);
    const pid = server.process.pid as number;
    const live = server;
    run.serverGone = () => live.process.exitCode !== null || live.process.signalCode !== null;
    live.process.once('exit', (code, signal) => {
      if (!stopping) run.violation(`the gateway exited during the run (code ${code}, signal ${signal}):\n${live.output().slice(-3000)}`);
    });
    const sample = (): void => {
      const rss = rssMiB(pid);
      if (rss !== undefined && (run.s.peakRssMiB === undefined || rss > run.s.peakRssMiB)) run.s.peakRssMiB = rss;
    };
    const sampler = setInterval(sample, 100);
    run.baseline = await run.snapshot(server.url, true);
    let done = 0;
    const ticker = setInterval(() => {
      if (run.s.frames > done) o.progress?.(`${run.s.frames} frames, ${run.s.violationCount} violations, peak RSS ${run.s.peakRssMiB?.toFixed(0)} MiB`);
      done = run.s.frames;
    }, 10_000);
    try {
      await Promise.all(Array.from({ length: o.connections }, (_, w) => run.worker(w, live.url)));
    } finally {
      clearInterval(ticker);
      sample();
      clearInterval(sampler);
    }
    if (live.process.exitCode !== null || live.process.signalCode !== null) throw new Error('the gateway is not running any more');
    // Still alive and answering exactly as before (POS 3 may be locked by the wrong passwords sent).
    const after = await run.snapshot(live.url, false);
    for (const [key, value] of after) {
      if (JSON.stringify(value) !== JSON.stringify(run.baseline.get(key))) run.violation(`after the run, ${key} answers differently than before`);
    }
    if (run.s.peakRssMiB !== undefined && run.s.peakRssMiB > o.rssLimitMiB) run.violation(`peak RSS ${run.s.peakRssMiB.toFixed(1)} MiB is over the bound of ${o.rssLimitMiB} MiB`);
    stopping = true;
    const code = await live.stop();
    if (code !== 0) run.violation(`the gateway exited with ${code} on SIGTERM:\n${live.output().slice(-3000)}`);
    // Besides its start-up banner the gateway writes only JSON log lines (pino), and no errors.
    const stray = live
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^(ConcertPOS |Point a terminal at|Demo instance:)/.test(line) && !isJsonLine(line));
    if (stray.length > 0) run.violation(`the gateway wrote ${stray.length} lines that are not JSON log lines, e.g. ${preview(stray[0] as string, 300)}`);
    if (/"level":(50|60)/.test(live.output())) run.violation(`the gateway logged errors:\n${live.output().slice(-3000)}`);
    const verify = await runCli(['verify', '--data', data.path]);
    const m = /demo: ok, (\d+) rows/.exec(verify.stdout);
    if (verify.code !== 0 || !m) run.violation(`concertpos verify failed (${verify.code}): ${verify.stdout}${verify.stderr}`);
    else {
      run.s.ledgerRows = Number(m[1]);
      const seen = run.rowIds.size;
      if (seen > run.s.ledgerRows || (run.lostAnswers === 0 && seen !== run.s.ledgerRows)) run.violation(`the ledger holds ${run.s.ledgerRows} rows, the answers booked ${seen}`);
    }
    run.s.ticketsBooked = run.ticketIds.size;
  } finally {
    stopping = true;
    if (server && server.process.exitCode === null) await server.stop();
    data.remove();
    run.s.seconds = (Date.now() - started) / 1000;
  }
  return run.s;
}

/** The summary as text lines, for the CLI and for failing tests. */
export function formatSummary(s: FuzzSummary): string {
  const list = (m: Record<string, number>): string =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    `fuzz: seed ${s.seed}, ${s.frames} frames over ${s.connections} connections in ${s.seconds.toFixed(1)} s`,
    `  kinds:    ${list(s.byKind)}`,
    `  answers:  ${list(s.byOutcome)}`,
    `  closes:   ${list(s.closes) || 'none'} (${s.reconnects} connections opened)`,
    `  memory:   peak RSS ${s.peakRssMiB === undefined ? 'unknown' : `${s.peakRssMiB.toFixed(1)} MiB`} (bound ${s.rssLimitMiB} MiB)`,
    `  ledger:   ${s.ledgerRows ?? '?'} rows, ${s.ticketsBooked} tickets booked, concertpos verify ${s.violations.some((v) => v.startsWith('concertpos verify')) ? 'FAILED' : 'ok'}`,
    `  violations: ${s.violationCount}`,
    ...s.violations.map((v) => `  - ${v}`),
  ].join('\n');
}

export type { FrameKind };
