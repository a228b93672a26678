import { closeAll, connectMany } from '../load-client.js';
import { residentBytes } from '../lib/proc-stats.js';
import { startGateway, startWsCeiling, type BenchServer } from '../lib/servers.js';
import { ratio, type BenchSettings, type ScenarioResult } from './result.js';

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resident bytes the server gained per idle connection once `count` are open. */
async function perConnection(server: BenchServer, count: number): Promise<{ before: number; after: number; perConnection: number }> {
  const pid = server.pids[0] as number;
  // One connection first, so lazily loaded code is not counted as per-connection cost.
  const [warm] = await connectMany(server.urls.map((u) => `${u}/?instance=demo&Content-Type=json`), 1);
  await settle(1000);
  const before = residentBytes(pid);
  const sockets = await connectMany(server.urls.map((u) => `${u}/?instance=demo&Content-Type=json`), count, 100);
  await settle(3000);
  const after = residentBytes(pid);
  await closeAll([warm!, ...sockets]);
  return { before, after, perConnection: (after - before) / count };
}

/** memory: resident bytes per idle connection, gateway vs the raw ws server, 10,000 connections. */
export async function memoryScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const n = settings.manyConnections;
  const limits = ['--connections-per-address', String(n * 2), '--connections-per-second', String(n * 10)];
  const gateway = await startGateway([...limits, '--synchronous', settings.synchronous]);
  let gw: Awaited<ReturnType<typeof perConnection>>;
  try {
    gw = await perConnection(gateway, n);
  } finally {
    await gateway.stop();
  }
  const ceilingServer = await startWsCeiling('{}');
  let raw: Awaited<ReturnType<typeof perConnection>>;
  try {
    raw = await perConnection(ceilingServer, n);
  } finally {
    await ceilingServer.stop();
  }
  const r = ratio(gw.perConnection, raw.perConnection);
  return {
    scenario: 'memory',
    metric: 'RSS bytes/idle conn',
    gateway: gw.perConnection,
    ceiling: raw.perConnection,
    ratio: r,
    target: '<= 1.5 x raw ws server',
    met: r <= 1.5,
    notes: [`${n} idle connections to one process; VmRSS after minus before, 3 s after the last connect; per-address limits raised (${limits.join(' ')})`],
    details: { gateway: gw, ceiling: raw },
  };
}
