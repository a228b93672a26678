import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

/**
 * Remembers a child process so that it is killed when the bench exits, on
 * any path (done, error, Ctrl-C): a benchmark must never leave servers behind.
 */
export function track<T extends ChildProcess>(child: T): T {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Kills every tracked child that still runs (SIGKILL: exit handlers cannot wait). */
export function killAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

const pids = new Set<number>();

/** Remembers a grandchild (a shard under a supervisor) to kill on exit as well. */
export function trackPid(pid: number): void {
  pids.add(pid);
}

process.once('exit', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
