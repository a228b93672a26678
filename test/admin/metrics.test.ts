import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminClient, ADMIN_KEYS, expectAdminError, expectOk, http, KEYS, startAdminServer, type AdminServer } from '../helpers/admin.js';
import { sell } from '../helpers/cli-fixtures.js';
import { startPostgres } from '../helpers/postgres.js';
import { connect, expectError, sleep } from '../helpers/protocol-fixtures.js';
import { startServer } from '../helpers/server.js';
import type { Envelope, Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §9: /healthz, /readyz, /metrics (names, types, labels, the
// shard label, and that the numbers move), and the admin broadcast route.

let gw: AdminServer;
const open: Terminal[] = [];

before(async () => {
  // Rate limits stay on: the ratelimit metric must move.
  gw = await startAdminServer(['--shard', 'zeus']);
});
after(async () => {
  for (const t of open) t.close();
  await gw.stop();
});

async function term(slug = 'alpha'): Promise<Terminal> {
  const t = await connect(gw.server, slug);
  open.push(t);
  return t;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition into samples and TYPE lines. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

async function scrape(): Promise<{ samples: Sample[]; types: Map<string, string> }> {
  const r = await http(gw.server.url, 'GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
  return parseMetrics(r.text);
}

/** The value of one series (0 when it does not exist yet). */
function value(samples: Sample[], name: string, labels: Record<string, string>): number {
  const s = samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s?.value ?? 0;
}

/** Waits until a scrape satisfies `check` (metrics of broadcasts move when the relay delivers). */
async function eventually(check: (samples: Sample[]) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  for (;;) {
    if (check((await scrape()).samples)) return;
    assert.ok(Date.now() < deadline, what);
    await sleep(50);
  }
}

describe('health', () => {
  test('/healthz is 200 {"status":"ok"}', async () => {
    const r = await http(gw.server.url, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok' });
  });

  test('/readyz is 200 while the store answers', async () => {
    assert.equal((await http(gw.server.url, 'GET', '/readyz')).status, 200);
  });

  test('/readyz is 503 once the store (PostgreSQL) is unreachable, /healthz stays 200', async () => {
    const pg = await startPostgres();
    let server;
    try {
      server = await startServer(['--database', pg.url, '--no-demo']);
      assert.equal((await http(server.url, 'GET', '/readyz')).status, 200);
    } finally {
      pg.stop();
    }
    try {
      const deadline = Date.now() + 10_000;
      let status = 0;
      while ((status = (await http(server.url, 'GET', '/readyz')).status) !== 503 && Date.now() < deadline) await sleep(100);
      assert.equal(status, 503);
      assert.equal((await http(server.url, 'GET', '/healthz')).status, 200);
    } finally {
      server.process.kill('SIGKILL');
    }
  });

  test('other paths are 404, other methods 405', async () => {
    assert.equal((await http(gw.server.url, 'GET', '/nonesuch')).status, 404);
    assert.equal((await http(gw.server.url, 'POST', '/healthz')).status, 405);
  });
});

const METRICS: [string, string, string[]][] = [
  ['concertpos_connections', 'gauge', ['instance']],
  ['concertpos_requests_total', 'counter', ['command', 'outcome']],
  ['concertpos_request_duration_seconds', 'histogram', ['command']],
  ['concertpos_sales_total', 'counter', ['instance']],
  ['concertpos_revenue_cents_total', 'counter', ['instance']],
  ['concertpos_ratelimit_hits_total', 'counter', ['command']],
  ['concertpos_broadcasts_total', 'counter', ['kind']],
];

describe('/metrics', () => {
  test('sales, revenue, requests, durations and rate-limit hits move after a sale', async () => {
    const t = await term();
    const before = (await scrape()).samples;
    const sale = await sell(t, KEYS.alpha, [{ ID: 1, Amount: 2 }]); // 2 × 4.50 + 2 × 2.50 deposit
    assert.equal(sale.Total, 14);
    // A version request runs into the rate limit on the third try (cost 50 of 100).
    for (let i = 0; i < 2; i++) assert.equal((await t.request('version', { api_key: KEYS.alpha })).type, 'event');
    expectError(await t.request('version', { api_key: KEYS.alpha }), 'ratelimit');
    const { samples } = await scrape();
    const diff = (name: string, labels: Record<string, string>) => value(samples, name, labels) - value(before, name, labels);
    assert.equal(diff('concertpos_sales_total', { instance: 'alpha' }), 1);
    assert.equal(diff('concertpos_revenue_cents_total', { instance: 'alpha' }), 1400);
    assert.equal(diff('concertpos_requests_total', { command: 'payitems', outcome: 'payitem' }), 1);
    assert.equal(diff('concertpos_requests_total', { command: 'version', outcome: 'ratelimit' }), 1);
    assert.equal(diff('concertpos_ratelimit_hits_total', { command: 'version' }), 1);
    assert.equal(diff('concertpos_request_duration_seconds_count', { command: 'payitems' }), 1);
    assert.ok(value(samples, 'concertpos_connections', { instance: 'alpha' }) >= 1);
  });

  test('the connections gauge follows opening and closing', async () => {
    const now = value((await scrape()).samples, 'concertpos_connections', { instance: 'beta' });
    const t = await term('beta');
    assert.equal(value((await scrape()).samples, 'concertpos_connections', { instance: 'beta' }), now + 1);
    t.close();
    await eventually((s) => value(s, 'concertpos_connections', { instance: 'beta' }) === now, 'the gauge goes down on close');
  });

  test('broadcasts_total counts updatepos and operator broadcasts per connection reached', async () => {
    await term();
    const before = (await scrape()).samples;
    const alpha = before.find((s) => s.name === 'concertpos_connections' && s.labels.instance === 'alpha')!.value;
    expectOk(await adminClient(gw.server.url, 'alpha', ADMIN_KEYS.alpha)('POST', '/broadcast', { message: 'last-call', parameters: {} }));
    await eventually(
      (s) => value(s, 'concertpos_broadcasts_total', { kind: 'broadcast' }) - value(before, 'concertpos_broadcasts_total', { kind: 'broadcast' }) === alpha,
      'broadcast counted once per alpha connection',
    );
    expectOk(await adminClient(gw.server.url, 'alpha', ADMIN_KEYS.alpha)('PATCH', '/products/2', { Price: 2.1 }));
    await eventually(
      (s) => value(s, 'concertpos_broadcasts_total', { kind: 'updatepos' }) - value(before, 'concertpos_broadcasts_total', { kind: 'updatepos' }) === alpha,
      'updatepos counted once per alpha connection',
    );
  });

  test('every metric of §9 with its type, its labels and the shard label', async () => {
    const { samples, types } = await scrape();
    for (const [name, type, labels] of METRICS) {
      assert.equal(types.get(name), type, `TYPE of ${name}`);
      const series = samples.filter((s) => s.name === name || s.name.startsWith(`${name}_`));
      assert.ok(series.length > 0, `${name} has series`);
      for (const s of series) {
        assert.equal(s.labels.shard, 'zeus', `${s.name} carries the shard label`);
        for (const l of labels) assert.ok(l in s.labels, `${s.name} carries ${l}`);
      }
    }
  });

  test('with --metrics-token, /metrics needs the token', async () => {
    const server = await startServer(['--metrics-token', 'scrape-token-1']);
    try {
      assert.equal((await http(server.url, 'GET', '/metrics')).status, 401);
      assert.equal((await http(server.url, 'GET', '/metrics', { key: 'wrong' })).status, 401);
      assert.equal((await http(server.url, 'GET', '/metrics', { key: 'scrape-token-1' })).status, 200);
    } finally {
      await server.stop();
    }
  });
});

describe('POST /broadcast', () => {
  const isMessage = (m: string) => (f: Envelope) => f.type === 'broadcast' && f.result.message === m;

  test('reaches the instance\'s terminals with message and parameters, and no other instance', async () => {
    const a = await term('alpha');
    const b = await term('beta');
    const r = expectOk(await adminClient(gw.server.url, 'alpha', ADMIN_KEYS.alpha)('POST', '/broadcast', { message: 'doors-open', parameters: { gate: 3 } }));
    assert.deepEqual(r, { message: 'doors-open', parameters: { gate: 3 } });
    assert.deepEqual(await a.next(isMessage('doors-open'), 2000), { type: 'broadcast', result: { message: 'doors-open', parameters: { gate: 3 } } });
    await sleep(500);
    assert.ok(!b.frames.some(isMessage('doors-open')), 'beta did not get alpha\'s broadcast');
  });

  test('parameters default to {}; a bad body is 400 naming the field', async () => {
    const a = await term('alpha');
    const api = adminClient(gw.server.url, 'alpha', ADMIN_KEYS.alpha);
    expectOk(await api('POST', '/broadcast', { message: 'plain' }));
    assert.deepEqual((await a.next(isMessage('plain'), 2000)).result.parameters, {});
    expectAdminError(await api('POST', '/broadcast', {}), 400, 'missing_parameter', 'message');
    expectAdminError(await api('POST', '/broadcast', { message: 42 }), 400, 'invalid_parameter', 'message');
    expectAdminError(await api('POST', '/broadcast', { message: 'x', parameters: [1] }), 400, 'invalid_parameter', 'parameters');
    expectAdminError(await api('GET', '/broadcast'), 405, 'method_not_allowed');
  });
});
