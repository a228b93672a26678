import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI, runCli, tempDir } from '../../test/helpers/server.js';
import { startShards } from '../../test/helpers/shards.js';
import { track, trackPid } from './children.js';

/** A server under test: where to connect, which processes do the work, how to stop it. */
export interface BenchServer {
  /** ws://127.0.0.1:PORT for each process (one, or one per shard). */
  urls: string[];
  /** The processes serving connections (CPU and memory are read from these). */
  pids: number[];
  /** The store flags, for `concertpos verify` and the admin key. */
  storeArgs: string[];
  stop(): Promise<void>;
}

const WS_CEILING = fileURLToPath(new URL('../ceilings/ws-server.js', import.meta.url));

/**
 * The gateway as users run it: `concertpos serve --port 0 …` in its own
 * process (like test/helpers/server.ts, plus node flags such as --cpu-prof,
 * which NODE_OPTIONS does not allow).
 */
export async function startGateway(args: string[], nodeFlags: string[] = []): Promise<BenchServer> {
  const dataGiven = args.includes('--data') || args.includes('--database');
  const data = dataGiven ? undefined : tempDir('concertpos-bench-');
  const storeArgs = dataGiven ? [] : ['--data', data!.path];
  const child = track(spawn(process.execPath, [...nodeFlags, CLI, 'serve', '--port', '0', '--log-level', 'warn', ...storeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const port = await listeningPort(child, /listening on ws:\/\/[^:]+:(\d+)\//);
  const flag = args.includes('--database') ? '--database' : '--data';
  return {
    urls: [`ws://127.0.0.1:${port}`],
    pids: [child.pid as number],
    storeArgs: storeArgs.length > 0 ? storeArgs : [flag, args[args.indexOf(flag) + 1] as string],
    async stop() {
      await stopChild(child);
      data?.remove();
    },
  };
}

/** Resolves with the port a child prints (its banner), or rejects when it exits first. */
function listeningPort(child: ChildProcess, banner: RegExp): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner after 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = banner.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${out}`));
    });
  });
}

/** SIGTERM (a clean shutdown, which also writes a CPU profile) and wait for the exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** `concertpos serve --shards a,b,c`: the supervisor and one process per shard. */
export async function startGatewayShards(names: string[], args: string[]): Promise<BenchServer> {
  const data = tempDir('concertpos-bench-');
  const shards = await startShards(names, ['--data', data.path, ...args]);
  track(shards.process);
  const infos = [...shards.shards().values()];
  infos.forEach((s) => trackPid(s.pid));
  return {
    urls: infos.map((s) => s.url),
    pids: infos.map((s) => s.pid),
    storeArgs: ['--data', data.path],
    async stop() {
      await shards.stop();
      data.remove();
    },
  };
}

/** The raw ws server of bench/ceilings/ws-server.ts in its own process. */
export async function startWsCeiling(reply: string): Promise<BenchServer> {
  const child = track(spawn(process.execPath, [WS_CEILING], { env: { ...process.env, BENCH_REPLY: reply }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const port = await listeningPort(child, /listening on ws:\/\/[^:]+:(\d+)\//);
  return {
    urls: [`ws://127.0.0.1:${port}`],
    pids: [child.pid as number],
    storeArgs: [],
    stop: () => stopChild(child),
  };
}

/** `concertpos verify` over the store: true when every hash chain holds and IDs are gapless. */
export async function verifyChain(storeArgs: string[]): Promise<{ ok: boolean; output: string }> {
  const result = await runCli(['verify', ...storeArgs]);
  return { ok: result.code === 0, output: (result.stdout + result.stderr).trim() };
}

/** A fresh admin key for an instance (printed alone on stdout by `concertpos admin-key`). */
export async function adminKey(slug: string, storeArgs: string[]): Promise<string> {
  const result = await runCli(['admin-key', '--instance', slug, ...storeArgs]);
  if (result.code !== 0) throw new Error(`admin-key failed: ${result.stderr}`);
  return result.stdout.trim();
}
