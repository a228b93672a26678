import { parseArgs } from 'node:util';
import { DEFAULTS, formatSummary, runFuzz } from './run-fuzz.js';

/**
 * `npm run fuzz -- --frames N --seed S [--connections C] [--rss-limit MIB]`:
 * runs the fuzzer of test/fuzz at any size, prints the summary and exits 1
 * on any violation (2 on bad usage).
 */
async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        frames: { type: 'string' },
        seed: { type: 'string' },
        connections: { type: 'string' },
        'rss-limit': { type: 'string' },
        'flood-limit': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}`);
    return 2;
  }
  if (values.help) {
    console.log('usage: npm run fuzz -- [--frames N] [--seed S] [--connections C] [--rss-limit MIB] [--flood-limit N]');
    return 0;
  }
  const int = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name} must be an integer of at least ${min}`);
    return n;
  };
  let options;
  try {
    options = {
      frames: int('frames', values.frames, DEFAULTS.frames, 1),
      seed: int('seed', values.seed, DEFAULTS.seed, 0),
      connections: int('connections', values.connections, DEFAULTS.connections, 1),
      rssLimitMiB: int('rss-limit', values['rss-limit'], DEFAULTS.rssLimitMiB, 1),
      floodLimit: int('flood-limit', values['flood-limit'], DEFAULTS.floodLimit, 1),
    };
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}`);
    return 2;
  }
  console.log(`fuzz: ${options.frames} frames, seed ${options.seed}, ${options.connections} connections, RSS bound ${options.rssLimitMiB} MiB`);
  const summary = await runFuzz({ ...options, progress: (line) => console.log(`  … ${line}`) });
  console.log(formatSummary(summary));
  return summary.violationCount === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
