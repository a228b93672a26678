import { tempDir } from '../../test/helpers/server.js';
import { fsyncLatency } from '../ceilings/fsync-probe.js';
import { SALE } from '../ceilings/ledger-batch.js';
import { closeAll, connectMany, openLoop, requestFrame } from '../load-client.js';
import { ledgerRows } from '../lib/ledger-check.js';
import { cpuSecondsOf } from '../lib/proc-stats.js';
import { startGateway, startWsCeiling, verifyChain, type BenchServer } from '../lib/servers.js';
import { serverHistogram } from '../lib/server-histogram.js';
import { API_KEY, profileFlags, ratio, type BenchSettings, type ScenarioResult } from './result.js';

const PERIOD_MS = 2000;

/** Every terminal sells every 2 s (random phase) and reads its last transactions after each sale. */
async function festival(server: BenchServer, terminals: number, durationMs: number) {
  const sockets = await connectMany(server.urls.map((u) => `${u}/?instance=demo&Content-Type=json`), terminals, 50);
  const sale = requestFrame('payitems', { api_key: API_KEY, POSID: SALE.posId, PaymentMethod: SALE.paymentId, Products: SALE.products });
  const read = requestFrame('listtransactions', { api_key: API_KEY, POSID: SALE.posId, Limit: 5 });
  let cpu = 0;
  const result = await openLoop(sockets, {
    periodMs: PERIOD_MS,
    durationMs,
    first: () => sale,
    then: () => read,
    onWindow: (phase) => (cpu = phase === 'start' ? cpuSecondsOf(server.pids) : cpuSecondsOf(server.pids) - cpu),
  });
  await closeAll(sockets);
  return { ...result, serverCpuShare: cpu / result.seconds };
}

/**
 * festival load: 2,000 connected terminals, open loop, with the per-command
 * rate limits on (a terminal's real pace stays far inside them). Only the
 * per-address connection rate is raised, as the load generator is one address.
 */
export async function festivalScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const perSecond = String(settings.festivalTerminals * 10);
  const gateway = await startGateway(['--connections-per-second', perSecond, '--synchronous', settings.synchronous], profileFlags(settings, 'festival'));
  let run: Awaited<ReturnType<typeof festival>>;
  let chain: { ok: boolean; output: string };
  let rows: number;
  let server: Record<string, Record<string, number>>;
  try {
    run = await festival(gateway, settings.festivalTerminals, settings.festivalMs);
    server = await serverHistogram(gateway.urls[0] as string);
    chain = await verifyChain(gateway.storeArgs);
    rows = await ledgerRows(gateway.storeArgs);
  } finally {
    await gateway.stop();
  }
  const ceilingServer = await startWsCeiling('{"type":"event","result":{"event":"payitem","parameters":{}}}');
  let ceiling: Awaited<ReturnType<typeof festival>>;
  try {
    ceiling = await festival(ceilingServer, settings.festivalTerminals, Math.min(settings.festivalMs, 15_000));
  } finally {
    await ceilingServer.stop();
  }
  const probeDir = tempDir('concertpos-fsync-');
  const fsync = fsyncLatency(probeDir.path);
  probeDir.remove();
  const p99 = run.latency.p99;
  return {
    scenario: 'festival',
    metric: 'p99 ms',
    gateway: p99,
    ceiling: ceiling.latency.p99,
    ratio: ratio(p99, ceiling.latency.p99),
    target: 'p99 <= 5 ms, 0 errors',
    met: p99 <= 5 && run.errors === 0 && chain.ok,
    notes: [
      `${settings.festivalTerminals} terminals, each a sale every 2 s + listtransactions (Limit 5) after it, open loop, ${settings.festivalMs / 1000} s`,
      `rate limits ON (per-command budgets as shipped); --connections-per-second ${perSecond} (one load-generator address)`,
      `errors ${run.errors}; sale p99 ${run.byKind.first.p99.toFixed(2)} ms, read p99 ${run.byKind.then.p99.toFixed(2)} ms; chain verified: ${chain.ok}; ledger rows ${rows}`,
      `inside the gateway (its /metrics histogram, frame in to answer out): payitems ${share(server, 'payitems')}, listtransactions ${share(server, 'listtransactions')} answered within 5 ms`,
      `this disk's fsync of 4 KiB (the floor under a sale acknowledged with synchronous=FULL): p50 ${fsync.p50.toFixed(2)} ms, p99 ${fsync.p99.toFixed(2)} ms`,
      `ceiling: the same load against the raw ws server (${Math.min(settings.festivalMs, 15_000) / 1000} s)`,
    ],
    details: { gateway: run, ceiling, chain, rows, serverSideShares: server, fsync },
  };
}

function share(server: Record<string, Record<string, number>>, command: string): string {
  const within = server[command]?.['<=0.005s'];
  return within === undefined ? '?' : `${(within * 100).toFixed(2)} %`;
}
