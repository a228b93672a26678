import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, defaultStoreArgs, tempDir } from './server.js';

export interface ShardInfo {
  name: string;
  pid: number;
  port: number;
  url: string;
}

export interface RunningShards {
  /** The newest process of each shard, by name. */
  shards: () => Map<string, ShardInfo>;
  /** Resolves once `name` is served by a process other than `oldPid`. */
  restarted: (name: string, oldPid: number, timeoutMs?: number) => Promise<ShardInfo>;
  storeArgs: string[];
  output: () => string;
  stop: () => Promise<number | null>;
  process: ChildProcess;
}

const BANNER = /shard (\S+) \(pid (\d+)\), listening on ws:\/\/[^:]+:(\d+)\//g;

/** Starts `concertpos serve --shards …` (the supervisor) and waits until every shard listens. */
export async function startShards(names: string[], args: string[] = []): Promise<RunningShards> {
  const storeArgs = args.includes('--data') || args.includes('--database') ? [] : await defaultStoreArgs(tempDir().path);
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'warn', '--shards', names.join(','), ...storeArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners: (() => void)[] = [];
  const onData = (d: Buffer): void => {
    out += d.toString();
    listeners.forEach((l) => l());
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const shards = (): Map<string, ShardInfo> => {
    const map = new Map<string, ShardInfo>();
    for (const m of out.matchAll(BANNER)) {
      map.set(m[1]!, { name: m[1]!, pid: Number(m[2]), port: Number(m[3]), url: `ws://127.0.0.1:${m[3]}` });
    }
    return map;
  };
  const until = async <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const found = check();
    if (found !== undefined) return found;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}:\n${out}`)), timeoutMs);
      listeners.push(() => {
        const value = check();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        }
      });
    });
  };
  await until(() => (shards().size === names.length ? true : undefined), 30_000, 'all shards');
  return {
    shards,
    restarted: (name, oldPid, timeoutMs = 30_000) =>
      until(() => {
        const s = shards().get(name);
        return s && s.pid !== oldPid ? s : undefined;
      }, timeoutMs, `shard ${name} to restart`),
    storeArgs,
    output: () => out,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
