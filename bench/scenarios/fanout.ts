import { request } from 'node:http';
import type WebSocket from 'ws';
import { closeAll, connectMany } from '../load-client.js';
import { median } from '../lib/paired.js';
import { adminKey, startGatewayShards, startWsCeiling, type BenchServer } from '../lib/servers.js';
import { ratio, type BenchSettings, type ScenarioResult } from './result.js';

const SHARDS = ['exon', 'cyton', 'zeus'];
const TRIALS = 5;
// The first change is not counted: it pays one-off costs (the admin key's first scrypt, cold code).
const WARMUP_TRIALS = 1;

function http(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Runs `trigger` and measures how long after it every socket has received
 * a broadcast frame; after WARMUP_TRIALS, TRIALS times (the median is reported).
 */
async function deliveries(sockets: readonly WebSocket[], trigger: (trial: number) => Promise<void>): Promise<{ lastMs: number[]; missing: number }> {
  const lastMs: number[] = [];
  let missing = 0;
  for (let trial = 0; trial < WARMUP_TRIALS + TRIALS; trial++) {
    let received = 0;
    let last = 0;
    let started = 0;
    const all = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      for (const ws of sockets) {
        ws.removeAllListeners('message');
        ws.once('message', (data: Buffer) => {
          if (!data.toString('latin1', 0, 24).startsWith('{"type":"broadcast"')) return;
          last = performance.now();
          if (++received === sockets.length) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    started = performance.now();
    await trigger(trial);
    await all;
    if (trial < WARMUP_TRIALS) continue;
    missing += sockets.length - received;
    lastMs.push(last - started);
  }
  return { lastMs, missing };
}


async function connect(server: BenchServer, count: number): Promise<WebSocket[]> {
  return connectMany(server.urls.map((u) => `${u}/?instance=demo&Content-Type=json`), count, 100);
}

/**
 * fan-out: 10,000 connections over 3 shards; a price change through the admin
 * API of one shard; the time from sending the change until the last of the
 * 10,000 has its updatepos. Ceiling: three raw ws servers told over HTTP to
 * send one frame to all their connections.
 */
export async function fanoutScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const limits = ['--connections-per-address', String(settings.manyConnections * 2), '--connections-per-second', String(settings.manyConnections * 10)];
  const gateway = await startGatewayShards(SHARDS, [...limits, '--synchronous', settings.synchronous]);
  let gw: { lastMs: number[]; missing: number };
  try {
    const key = await adminKey('demo', gateway.storeArgs);
    const sockets = await connect(gateway, settings.manyConnections);
    const admin = `${(gateway.urls[0] as string).replace('ws:', 'http:')}/api/admin/demo/products/4`;
    gw = await deliveries(sockets, async (trial) => {
      const status = await http(admin, 'PATCH', { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, JSON.stringify({ Price: (320 + trial + 1) / 100 }));
      if (status !== 200) throw new Error(`admin PATCH answered ${status}`);
    });
    await closeAll(sockets);
  } finally {
    await gateway.stop();
  }
  const ceilings = await Promise.all(SHARDS.map(() => startWsCeiling('{}')));
  let raw: { lastMs: number[]; missing: number };
  try {
    const sockets = await connect({ urls: ceilings.flatMap((c) => c.urls), pids: [], storeArgs: [], stop: async () => undefined }, settings.manyConnections);
    raw = await deliveries(sockets, async () => {
      await Promise.all(ceilings.map((c) => http(`${(c.urls[0] as string).replace('ws:', 'http:')}/broadcast`, 'GET')));
    });
    await closeAll(sockets);
  } finally {
    await Promise.all(ceilings.map((c) => c.stop()));
  }
  const last = median(gw.lastMs);
  return {
    scenario: 'fanout',
    metric: 'ms to last delivery',
    gateway: last,
    ceiling: median(raw.lastMs),
    ratio: ratio(last, median(raw.lastMs)),
    target: '<= 250 ms',
    met: last <= 250 && gw.missing === 0,
    notes: [
      `updatepos after an admin PATCH of a price on shard ${SHARDS[0]}; ${settings.manyConnections} connections over ${SHARDS.length} shards (SQLite, supervisor); median of ${TRIALS} trials after ${WARMUP_TRIALS} not counted`,
      `per-address limits raised (${limits.join(' ')}): one load-generator address`,
      `trials (ms): gateway ${gw.lastMs.map((x) => x.toFixed(0)).join(', ')}; ceiling ${raw.lastMs.map((x) => x.toFixed(0)).join(', ')}; missing deliveries ${gw.missing}`,
    ],
    details: { gateway: gw, ceiling: raw },
  };
}
