import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli, startServer, tempDir } from '../../test/helpers/server.js';
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

/** The gateway as users run it: `concertpos serve --port 0 …` in its own process. */
export async function startGateway(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
  const dataGiven = args.includes('--data') || args.includes('--database');
  const data = dataGiven ? undefined : tempDir('concertpos-bench-');
  const storeArgs = dataGiven ? [] : ['--data', data!.path];
  const server = await startServer([...storeArgs, ...args], env);
  track(server.process);
  const flag = args.includes('--database') ? '--database' : '--data';
  return {
    urls: [server.url],
    pids: [server.process.pid as number],
    storeArgs: storeArgs.length > 0 ? storeArgs : [flag, args[args.indexOf(flag) + 1] as string],
    async stop() {
      await server.stop();
      data?.remove();
    },
  };
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
  const child = track(spawn(process.execPath, [WS_CEILING], { env: { ...process.env, BENCH_REPLY: reply }, stdio: ['ignore', 'pipe', 'inherit'] }));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on ws:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`ceiling server exited with ${code}`)));
  });
  return {
    urls: [`ws://127.0.0.1:${port}`],
    pids: [child.pid as number],
    storeArgs: [],
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
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
