import { join } from 'node:path';

/** One line of the benchmark table: the gateway's figure, the ceiling's, their ratio and the target. */
export interface ScenarioResult {
  scenario: string;
  /** Unit of `gateway` and `ceiling`. */
  metric: string;
  gateway: number;
  ceiling: number | null;
  /** gateway / ceiling. */
  ratio: number | null;
  target: string;
  met: boolean | null;
  /** Conditions a reader must know (flags, durability mode, limits raised). */
  notes: string[];
  details: Record<string, unknown>;
}

/** Settings shared by every scenario of one run. */
export interface BenchSettings {
  /** Measured window of closed-loop scenarios, ms (after `warmupMs`). */
  durationMs: number;
  warmupMs: number;
  festivalMs: number;
  /** Open connections of the fan-out and memory scenarios. */
  manyConnections: number;
  festivalTerminals: number;
  synchronous: 'FULL' | 'NORMAL';
  /** Folder for gateway CPU profiles (--cpu-prof), or undefined. */
  profileDir: string | undefined;
}

export const API_KEY = 'demo-api-key';

/** Node flags of a gateway process: with a profile folder, node writes a CPU profile on exit. */
export function profileFlags(settings: BenchSettings, name: string): string[] {
  if (!settings.profileDir) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${join(settings.profileDir, name)}`];
}

export function ratio(gateway: number, ceiling: number): number {
  return ceiling === 0 ? 0 : gateway / ceiling;
}
