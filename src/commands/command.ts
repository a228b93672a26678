import type { PosGuard } from '../auth/pos-guard.js';
import type { GatewayConfig } from '../config.js';
import type { Params } from '../protocol/params.js';
import type { Store } from '../store/store.js';
import type { Instance } from '../store/types.js';
import type { StatusService } from '../gateway/status.js';

/** What a command's handler may use; dispatch builds one per request. */
export interface CommandContext {
  readonly instance: Instance;
  readonly store: Store;
  readonly config: GatewayConfig;
  readonly posGuard: PosGuard;
  readonly status: StatusService;
  readonly version: string;
  readonly now: () => Date;
  /** The connection's own state that outlives one request. */
  readonly session: Session;
}

/** Per-connection state commands may keep (the device registered on it). */
export interface Session {
  deviceUuid: string | undefined;
}

/** A successful answer: the event name and its parameters. */
export interface Answer {
  event: string;
  parameters: object;
}

/**
 * A command is data plus a function: dispatch parses, authenticates and
 * rate-limits once for all of them, then calls `parse` (step 8 of the check
 * order) and `run` (steps 9–10).
 */
export interface Command<P = unknown> {
  readonly name: string;
  parse(params: Params): P;
  run(params: P, ctx: CommandContext): Promise<Answer>;
}

/** Declares a command with its parameter type inferred from `parse`. */
export function defineCommand<P>(command: Command<P>): Command<P> {
  return Object.freeze(command);
}
