import { startPostgres } from '../../test/helpers/postgres.js';
import { tempDir } from '../../test/helpers/server.js';
import { pgCeiling } from '../ceilings/pg-ceiling.js';
import { sqliteCeiling } from '../ceilings/sqlite-ceiling.js';
import { SALE } from '../ceilings/ledger-batch.js';
import { closeAll, closedLoop, connectMany, requestFrame, type LoopResult } from '../load-client.js';
import { ledgerRows } from '../lib/ledger-check.js';
import { cpuSecondsOf } from '../lib/proc-stats.js';
import { startGateway, verifyChain } from '../lib/servers.js';
import { API_KEY, profileFlags, ratio, type BenchSettings, type ScenarioResult } from './result.js';

const CONNECTIONS = 100;
const BATCH_SIZES = [1, 10, 100, 1000] as const;

interface SalesRun {
  loop: LoopResult;
  cpuMicrosPerSale: number;
  chain: { ok: boolean; output: string };
  rows: number;
  /** Rows the acknowledged sales must have written (4 per sale). */
  expectedRows: number;
}

/**
 * payitems in a closed loop over 100 connections; afterwards `concertpos
 * verify` must pass and the ledger must hold exactly the acknowledged sales.
 */
async function sell(gatewayArgs: string[], settings: BenchSettings, profileName: string): Promise<SalesRun> {
  const gateway = await startGateway(['--no-rate-limit', ...gatewayArgs], profileFlags(settings, profileName));
  try {
    const sockets = await connectMany(gateway.urls.map((u) => `${u}/?instance=demo&Content-Type=json`), CONNECTIONS);
    const frame = requestFrame('payitems', { api_key: API_KEY, POSID: SALE.posId, PaymentMethod: SALE.paymentId, Products: SALE.products });
    let cpu = 0;
    const loop = await closedLoop(sockets, () => frame, {
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
      onWindow: (phase) => (cpu = phase === 'start' ? cpuSecondsOf(gateway.pids) : cpuSecondsOf(gateway.pids) - cpu),
    });
    await closeAll(sockets);
    const chain = await verifyChain(gateway.storeArgs);
    const rows = await ledgerRows(gateway.storeArgs);
    return { loop, cpuMicrosPerSale: (cpu / loop.requests) * 1e6, chain, rows, expectedRows: (loop.total - loop.totalErrors) * SALE.lines.length };
  } finally {
    await gateway.stop();
  }
}

function correct(run: SalesRun): boolean {
  return run.loop.errors === 0 && run.chain.ok && run.rows === run.expectedRows;
}

/** sales on SQLite: the gateway against raw better-sqlite3 writes in the same durability mode. */
export async function salesSqliteScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const run = await sell(['--synchronous', settings.synchronous], settings, 'sales-sqlite');
  const dir = tempDir('concertpos-ceiling-');
  try {
    const ceiling = await sqliteCeiling({ dir: dir.path, synchronous: settings.synchronous, msPerBatchSize: Math.max(1000, settings.durationMs / 4), batchSizes: BATCH_SIZES });
    const r = ratio(run.loop.perSecond, ceiling.best.salesPerSecond);
    return {
      scenario: 'sales-sqlite',
      metric: 'sales/s',
      gateway: run.loop.perSecond,
      ceiling: ceiling.best.salesPerSecond,
      ratio: r,
      target: '>= 0.5 x SQLite ceiling',
      met: r >= 0.5 && correct(run),
      notes: [
        `payitems (3 products incl. a deposit product: 4 ledger rows), 100 connections, closed loop, --no-rate-limit`,
        `durability: SQLite WAL, synchronous=${settings.synchronous} for gateway and ceiling`,
        `ceiling: raw better-sqlite3, same rows + SHA-512 chain, best of batches ${BATCH_SIZES.join('/')} (best: ${ceiling.best.batch})`,
        `chain verified: ${run.chain.ok}; ledger rows ${run.rows} = 4 x acknowledged sales: ${run.rows === run.expectedRows}`,
      ],
      details: { gateway: run, ceiling },
    };
  } finally {
    dir.remove();
  }
}

/** sales on PostgreSQL: the gateway against batched inserts into the same cluster. */
export async function salesPostgresScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const cluster = await startPostgres();
  try {
    const run = await sell(['--database', cluster.createDatabase('bench_gateway')], settings, 'sales-postgres');
    const ceiling = await pgCeiling({ url: cluster.createDatabase('bench_ceiling'), msPerBatchSize: Math.max(1000, settings.durationMs / 4), batchSizes: BATCH_SIZES });
    const r = ratio(run.loop.perSecond, ceiling.best.salesPerSecond);
    return {
      scenario: 'sales-postgres',
      metric: 'sales/s',
      gateway: run.loop.perSecond,
      ceiling: ceiling.best.salesPerSecond,
      ratio: r,
      target: '>= 0.5 x PostgreSQL batched-insert ceiling',
      met: r >= 0.5 && correct(run),
      notes: [
        'payitems as sales-sqlite, --no-rate-limit, --database (one throwaway local cluster)',
        'durability: that cluster runs fsync=off, synchronous_commit=off (test helper) for gateway and ceiling alike: neither survives a power cut',
        `ceiling: the gateway's batch statement (one per batch, rows via unnest arrays, head checked under the instance row lock) without a gateway, best of ${BATCH_SIZES.join('/')} (best: ${ceiling.best.batch})`,
        `chain verified: ${run.chain.ok}; ledger rows ${run.rows} = 4 x acknowledged sales: ${run.rows === run.expectedRows}`,
      ],
      details: { gateway: run, ceiling },
    };
  } finally {
    cluster.stop();
  }
}
