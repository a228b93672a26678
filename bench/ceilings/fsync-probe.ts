import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Latencies, type LatencySummary } from '../lib/latency.js';

/**
 * The disk's own floor under a durable sale: append 4 KiB to a file and
 * fsync it, `count` times (what a WAL commit with synchronous=FULL costs at
 * the least). No sale acknowledged with FULL can be faster than this.
 */
export function fsyncLatency(dir: string, count = 200): LatencySummary {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const latencies = new Latencies();
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      writeSync(fd, block);
      fsyncSync(fd);
      latencies.add(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return latencies.summary();
}
