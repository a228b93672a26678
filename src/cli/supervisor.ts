import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { ShardPeers } from '../gateway/shard-peers.js';

/** The environment variable a supervisor hands each shard its settings in. */
export const SHARD_CONFIG_ENV = 'CONCERTPOS_SHARD_CONFIG';

const CLI = fileURLToPath(new URL('./main.js', import.meta.url));
const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];
// A shard that ran this long is healthy again: its next crash restarts fast.
const STABLE_MS = 60_000;

interface ShardProcess {
  name: string;
  port: number;
  child: ChildProcess | undefined;
  crashes: number;
  startedAt: number;
}

/**
 * Runs one gateway process per shard on consecutive ports, restarts a shard
 * that dies (with backoff), and on SIGTERM/SIGINT stops them all: each shard
 * finishes the sales in flight and closes its connections with 1001.
 */
export async function runSupervisor(config: GatewayConfig, log: Logger): Promise<void> {
  const shards: ShardProcess[] = config.shards.map((name, i) => ({
    name,
    port: config.port === 0 ? 0 : config.port + i,
    child: undefined,
    crashes: 0,
    startedAt: 0,
  }));
  let stopping = false;

  const start = (shard: ShardProcess): void => {
    const shardConfig: GatewayConfig = { ...config, shard: shard.name, port: shard.port, imports: [], demo: false };
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, [SHARD_CONFIG_ENV]: JSON.stringify(shardConfig) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // A shard that published events asks its siblings to read them now (SQLite cannot notify them).
    child.on('message', (message: unknown) => {
      if (!ShardPeers.isAnnouncement(message)) return;
      for (const other of shards) {
        if (other.child && other.child !== child && other.child.connected) other.child.send(message as object, undefined, undefined, () => undefined);
      }
    });
    shard.child = child;
    shard.startedAt = Date.now();
    log.info({ shard: shard.name, pid: child.pid, port: shard.port }, 'shard started');
    child.once('exit', (code, signal) => {
      shard.child = undefined;
      if (stopping) return;
      if (Date.now() - shard.startedAt > STABLE_MS) shard.crashes = 0;
      const delay = BACKOFF_MS[Math.min(shard.crashes, BACKOFF_MS.length - 1)] as number;
      shard.crashes += 1;
      log.error({ shard: shard.name, code, signal, restartInMs: delay }, 'shard exited; restarting');
      setTimeout(() => {
        if (!stopping) start(shard);
      }, delay);
    });
  };

  shards.forEach(start);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping all shards');
      const running = shards.map((s) => s.child).filter((c): c is ChildProcess => c !== undefined && c.exitCode === null);
      if (running.length === 0) return resolve();
      let left = running.length;
      const kill = setTimeout(() => running.forEach((c) => c.kill('SIGKILL')), 15_000);
      for (const child of running) {
        child.once('exit', () => {
          if (--left === 0) {
            clearTimeout(kill);
            resolve();
          }
        });
        child.kill('SIGTERM');
      }
    };
    // Kept after the first signal: a second one (Ctrl-C, then SIGTERM) must not
    // kill the supervisor while its shards finish their sales.
    process.on('SIGTERM', stop).on('SIGINT', stop);
  });
}
