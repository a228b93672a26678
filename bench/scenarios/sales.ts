import { startPostgres } from '../../test/helpers/postgres.js';
import { tempDir } from '../../test/helpers/server.js';
import { openPgCeiling } from '../ceilings/pg-ceiling.js';
import { openSqliteCeiling } from '../ceilings/sqlite-ceiling.js';
import { bestOf, SALE, type Ceiling, type CeilingRun } from '../ceilings/ledger-batch.js';
import { closeAll, closedLoop, connectMany, requestFrame, type LoopResult } from '../load-client.js';
import { ledgerRows } from '../lib/ledger-check.js';
import { paired, type Paired } from '../lib/paired.js';
import { cpuSecondsOf } from '../lib/proc-stats.js';
import { startGateway, verifyChain } from '../lib/servers.js';
import { API_KEY, profileFlags, type BenchSettings, type ScenarioResult } from './result.js';

const CONNECTIONS = 100;
const BATCH_SIZES = [1, 10, 100, 1000] as const;
const ROUNDS = 5;

interface SalesRun {
  /** The gateway's sales/s and the ceiling's best, round by round. */
  paired: Paired;
  loops: LoopResult[];
  ceilingRuns: CeilingRun[][];
  cpuMicrosPerSale: number;
  errors: number;
  chain: { ok: boolean; output: string };
  rows: number;
  /** Rows the acknowledged sales must have written (4 per sale). */
  expectedRows: number;
}

/**
 * payitems in a closed loop over 100 connections, in rounds that alternate
 * with the storage ceiling (bench/lib/paired.ts); afterwards `concertpos
 * verify` must pass and the ledger must hold exactly the acknowledged sales.
 */
async function sell(gatewayArgs: string[], ceiling: Ceiling, settings: BenchSettings, profileName: string): Promise<SalesRun> {
  const gateway = await startGateway(['--no-rate-limit', ...gatewayArgs], profileFlags(settings, profileName));
  try {
    const sockets = await connectMany(gateway.urls.map((u) => `${u}/?instance=demo&Content-Type=json`), CONNECTIONS);
    const frame = requestFrame('payitems', { api_key: API_KEY, POSID: SALE.posId, PaymentMethod: SALE.paymentId, Products: SALE.products });
    const windowMs = Math.max(600, settings.durationMs / ROUNDS);
    const loops: LoopResult[] = [];
    const ceilingRuns: CeilingRun[][] = [];
    let cpu = 0;
    const result = await paired(
      ROUNDS,
      async () => {
        let before = 0;
        const loop = await closedLoop(sockets, () => frame, {
          // After the first round the loop refills within milliseconds.
          warmupMs: loops.length === 0 ? settings.warmupMs : 300,
          durationMs: windowMs,
          onWindow: (phase) => {
            if (phase === 'start') before = cpuSecondsOf(gateway.pids);
            else cpu += cpuSecondsOf(gateway.pids) - before;
          },
        });
        loops.push(loop);
        return loop.perSecond;
      },
      async () => {
        // Let the gateway's checkpoint thread finish the WAL of its last round first.
        await new Promise((r) => setTimeout(r, 300));
        const measured = await bestOf(ceiling, BATCH_SIZES, Math.max(250, windowMs / BATCH_SIZES.length));
        ceilingRuns.push(measured.runs);
        return measured.best.salesPerSecond;
      },
    );
    await closeAll(sockets);
    const chain = await verifyChain(gateway.storeArgs);
    const rows = await ledgerRows(gateway.storeArgs);
    const sum = (f: (l: LoopResult) => number): number => loops.reduce((n, l) => n + f(l), 0);
    return {
      paired: result,
      loops,
      ceilingRuns,
      cpuMicrosPerSale: (cpu / sum((l) => l.requests)) * 1e6,
      errors: sum((l) => l.errors),
      chain,
      rows,
      expectedRows: sum((l) => l.total - l.totalErrors) * SALE.lines.length,
    };
  } finally {
    await gateway.stop();
  }
}

function correct(run: SalesRun): boolean {
  return run.errors === 0 && run.chain.ok && run.rows === run.expectedRows;
}

/** How the ratio was taken, for the notes. */
function pairingNote(run: SalesRun): string {
  const [low, high] = run.paired.range;
  return `gateway and ceiling measured back to back in ${ROUNDS} alternating rounds; ratio = median of the rounds' ratios (${low.toFixed(2)}–${high.toFixed(2)}), gateway and ceiling columns = medians`;
}

function checksNote(run: SalesRun): string {
  return `errors: ${run.errors}; chain verified: ${run.chain.ok}; ledger rows ${run.rows} = 4 x acknowledged sales: ${run.rows === run.expectedRows}`;
}

/** The batch size that won in each round, e.g. "1000/1000/100/1000/1000". */
function bestBatches(run: SalesRun): string {
  return run.ceilingRuns.map((runs) => runs.reduce((a, b) => (b.salesPerSecond > a.salesPerSecond ? b : a)).batch).join('/');
}

/** sales on SQLite: the gateway against raw better-sqlite3 writes in the same durability mode. */
export async function salesSqliteScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const dir = tempDir('concertpos-ceiling-');
  try {
    const ceiling = await openSqliteCeiling({ dir: dir.path, synchronous: settings.synchronous });
    let run: SalesRun;
    try {
      run = await sell(['--synchronous', settings.synchronous], ceiling, settings, 'sales-sqlite');
    } finally {
      await ceiling.close();
    }
    const { ratio } = run.paired;
    return {
      scenario: 'sales-sqlite',
      metric: 'sales/s',
      gateway: run.paired.gateway,
      ceiling: run.paired.ceiling,
      ratio,
      target: '>= 0.5 x SQLite ceiling',
      met: ratio >= 0.5 && correct(run),
      notes: [
        `payitems (3 products incl. a deposit product: 4 ledger rows), 100 connections, closed loop, --no-rate-limit`,
        `durability: SQLite WAL, synchronous=${settings.synchronous} for gateway and ceiling`,
        `ceiling: raw better-sqlite3, same rows + SHA-512 chain, best of batches ${BATCH_SIZES.join('/')} (best per round: ${bestBatches(run)})`,
        pairingNote(run),
        checksNote(run),
      ],
      details: { gateway: run },
    };
  } finally {
    dir.remove();
  }
}

/** sales on PostgreSQL: the gateway against batched inserts into the same cluster. */
export async function salesPostgresScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const cluster = await startPostgres();
  try {
    const ceiling = await openPgCeiling(cluster.createDatabase('bench_ceiling'));
    let run: SalesRun;
    try {
      run = await sell(['--database', cluster.createDatabase('bench_gateway')], ceiling, settings, 'sales-postgres');
    } finally {
      await ceiling.close();
    }
    const { ratio } = run.paired;
    return {
      scenario: 'sales-postgres',
      metric: 'sales/s',
      gateway: run.paired.gateway,
      ceiling: run.paired.ceiling,
      ratio,
      target: '>= 0.5 x PostgreSQL batched-insert ceiling',
      met: ratio >= 0.5 && correct(run),
      notes: [
        'payitems as sales-sqlite, --no-rate-limit, --database (one throwaway local cluster)',
        'durability: that cluster runs fsync=off, synchronous_commit=off (test helper) for gateway and ceiling alike: neither survives a power cut',
        `ceiling: the gateway's batch statement (one per batch, rows via unnest arrays, head checked under the instance row lock) without a gateway, best of ${BATCH_SIZES.join('/')} (best per round: ${bestBatches(run)})`,
        pairingNote(run),
        checksNote(run),
      ],
      details: { gateway: run },
    };
  } finally {
    cluster.stop();
  }
}
