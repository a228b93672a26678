import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAll } from './lib/children.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { festivalScenario } from './scenarios/festival.js';
import { memoryScenario } from './scenarios/memory.js';
import { readsScenario } from './scenarios/reads.js';
import type { BenchSettings, ScenarioResult } from './scenarios/result.js';
import { salesPostgresScenario, salesSqliteScenario } from './scenarios/sales.js';
import { renderTable } from './table.js';

const USAGE = `npm run bench -- [--only reads,sales-sqlite,sales-postgres,festival,fanout,memory]
                    [--duration SECONDS] [--festival-seconds SECONDS] [--quick]
                    [--synchronous FULL|NORMAL] [--profile]

Runs on 127.0.0.1 only, starts and stops its own servers, and stops by itself
(the default run takes about 4-5 minutes). Results: bench/results/<time>.json.
--profile writes gateway CPU profiles (node --cpu-prof) to bench/results/profiles/.`;

const SCENARIOS: Record<string, (s: BenchSettings) => Promise<ScenarioResult | ScenarioResult[]>> = {
  reads: readsScenario,
  'sales-sqlite': salesSqliteScenario,
  'sales-postgres': salesPostgresScenario,
  festival: festivalScenario,
  fanout: fanoutScenario,
  memory: memoryScenario,
};

const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));

function settingsFrom(values: Record<string, string | boolean | undefined>): BenchSettings {
  const quick = values.quick === true;
  const seconds = (v: unknown, fallback: number): number => (typeof v === 'string' && Number(v) > 0 ? Number(v) * 1000 : fallback);
  const synchronous = String(values.synchronous ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new Error('--synchronous must be FULL or NORMAL');
  return {
    durationMs: seconds(values.duration, quick ? 3000 : 10_000),
    warmupMs: quick ? 1000 : 2000,
    festivalMs: seconds(values['festival-seconds'], quick ? 10_000 : 60_000),
    manyConnections: quick ? 2000 : 10_000,
    festivalTerminals: quick ? 500 : 2000,
    synchronous,
    profileDir: values.profile === true ? join(RESULTS, 'profiles') : undefined,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      duration: { type: 'string' },
      'festival-seconds': { type: 'string' },
      quick: { type: 'boolean' },
      synchronous: { type: 'string' },
      profile: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) {
    console.error(`unknown scenario: ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const settings = settingsFrom(values);
  // A hard stop: whatever hangs, the bench ends and takes its servers with it.
  const budgetMs = 20 * 60_000;
  setTimeout(() => {
    console.error(`bench: still running after ${budgetMs / 60_000} min, stopping`);
    killAll();
    process.exit(1);
  }, budgetMs).unref();
  const started = Date.now();
  const results: ScenarioResult[] = [];
  for (const name of names) {
    const t = Date.now();
    process.stderr.write(`bench: ${name} …\n`);
    const out = await (SCENARIOS[name] as (s: BenchSettings) => Promise<ScenarioResult | ScenarioResult[]>)(settings);
    results.push(...(Array.isArray(out) ? out : [out]));
    process.stderr.write(`bench: ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  }
  const table = renderTable(results);
  console.log(table);
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform };
  writeFileSync(file, `${JSON.stringify({ started: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, machine, settings, results }, null, 2)}\n`);
  console.log(`\nwritten ${file} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
