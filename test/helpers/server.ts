import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type TestPostgres } from './postgres.js';

/** The compiled CLI, as `npx concertpos` runs it. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface RunningServer {
  url: string;
  port: number;
  data: string;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** A fresh data folder, removed by the returned function. */
export function tempDir(prefix = 'concertpos-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Starts the real gateway process (`concertpos serve --port 0`) and resolves
 * once it printed the port it listens on.
 */
export async function startServer(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const hasData = args.includes('--data') || args.includes('--database');
  const data = hasData ? (args[args.indexOf('--data') + 1] ?? '') : tempDir().path;
  const store = hasData ? [] : await defaultStoreArgs(data);
  const full = ['serve', '--port', '0', '--log-level', 'warn', ...store, ...args];
  const child = spawn(process.execPath, [CLI, ...full], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const check = (): void => {
      const m = /listening on ws:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    data,
    process: child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

let cluster: Promise<TestPostgres> | undefined;
let databases = 0;

/**
 * The store a test server gets when the test names none: a fresh SQLite
 * folder, or with CONCERTPOS_TEST_STORE=postgres a fresh database in a
 * throwaway cluster shared by this test file (stopped when it exits).
 */
export async function defaultStoreArgs(data: string): Promise<string[]> {
  if (process.env.CONCERTPOS_TEST_STORE !== 'postgres') return ['--data', data];
  if (!cluster) {
    cluster = startPostgres();
    const running = await cluster;
    // 'exit' handlers must be synchronous: stop() is (it waits for pg_ctl).
    process.once('exit', () => running.stop());
  }
  return ['--database', (await cluster).createDatabase(`test_${process.pid}_${++databases}`)];
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}
