import type { Logger } from 'pino';
import { PosGuard } from '../auth/pos-guard.js';
import { SecretCache } from '../auth/secrets.js';
import { COMMANDS, type CommandContext, type Session } from '../commands/index.js';
import type { GatewayConfig } from '../config.js';
import { parseFrame, type ContentType } from '../protocol/codec.js';
import { errorEnvelope, eventEnvelope, nonceOf, type Nonce } from '../protocol/envelope.js';
import { ProtocolError, type ErrorName } from '../protocol/errors.js';
import { has, type Params } from '../protocol/params.js';
import type { Store } from '../store/store.js';
import type { StatusService } from './status.js';
import type { RateLimiter } from './rate-limiter.js';

/** What dispatch needs to know of the connection a frame came in on. */
export interface FrameSource {
  readonly slug: string;
  readonly contentType: ContentType;
  readonly limiter: RateLimiter | undefined;
  readonly session: Session;
  /**
   * The API key this connection last presented that was verified, and the
   * stored hash it matched: the same key against the same hash needs no
   * hashing again. Dispatch's alone to read and write.
   */
  verifiedKey: { key: string; against: string } | undefined;
}

export interface DispatchResult {
  envelope: object;
  /** The frame was rejected before step 6 (counts towards the flood guard). */
  rejectedEarly: boolean;
  command: string | undefined;
  outcome: string;
}

export interface DispatcherOptions {
  store: Store;
  config: GatewayConfig;
  posGuard: PosGuard;
  status: StatusService;
  version: string;
  log: Logger;
  now: () => Date;
}

/**
 * Runs one request through the check order of PROTOCOL.md §2 and answers it.
 * Never throws: an unexpected failure answers internal_error and is logged
 * once with its stack (never with the request's parameters).
 */
export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #apiKeys = new SecretCache();

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  async dispatch(source: FrameSource, frame: string | null): Promise<DispatchResult> {
    let nonce: Nonce | undefined;
    let command: string | undefined;
    const fail = (error: ErrorName, early: boolean, message?: string, parameter?: string, retryAfter?: number): DispatchResult => ({
      envelope: errorEnvelope(error, { message, command, parameter, nonce, retryAfter }),
      rejectedEarly: early,
      command,
      outcome: error,
    });
    if (frame === null) return fail('invalid_request', true, 'Binary frames are not accepted; send text');
    const parsed = parseFrame(frame);
    if (!parsed.ok) return fail(source.contentType === 'json5' ? 'invalid_json5' : 'invalid_json', true);
    const request = parsed.value;
    if (typeof request !== 'object' || request === null || Array.isArray(request)) return fail('invalid_request', true);
    const req = request as Record<string, unknown>;
    nonce = nonceOf(req);
    const name = Object.hasOwn(req, 'command') ? req.command : undefined;
    const params = Object.hasOwn(req, 'parameters') ? req.parameters : undefined;
    if (typeof name !== 'string' || typeof params !== 'object' || params === null || Array.isArray(params)) {
      return fail('invalid_request', true);
    }
    if (name.length <= 64) command = name;
    const p = params as Params;
    if (!has(p, 'api_key')) return fail('missing_parameter_api', true, undefined, 'api_key');
    try {
      const instance = await this.#o.store.instanceBySlug(source.slug);
      if (!instance) return fail('invalid_instance', true);
      if (instance.apiKeyHash === null) return fail('no_api_key', true);
      const key = p.api_key;
      const verified = source.verifiedKey;
      // A terminal sends its key with every request: after the first on a connection, a string compare.
      if (verified === undefined || verified.key !== key || verified.against !== instance.apiKeyHash) {
        if (typeof key !== 'string' || key.length > 256 || this.#apiKeys.knownWrong(key, instance.apiKeyHash) || !(await this.#apiKeys.verify(key, instance.apiKeyHash))) {
          return fail('api_key_mismatch', true, undefined, 'api_key');
        }
        source.verifiedKey = { key, against: instance.apiKeyHash };
      }
      const handler = COMMANDS.get(name);
      if (!handler) return fail('unknown_command', false, `Unknown command "${command ?? name.slice(0, 64)}"`);
      if (source.limiter) {
        const cost = this.#o.config.costs[name] ?? 1;
        const taken = source.limiter.take(name, cost, this.#o.now().getTime());
        if (!taken.ok) return fail('ratelimit', false, `Too many ${name} requests; retry in ${taken.retryAfter} ms`, undefined, taken.retryAfter);
      }
      const ctx: CommandContext = { instance, store: this.#o.store, config: this.#o.config, posGuard: this.#o.posGuard, status: this.#o.status, version: this.#o.version, now: this.#o.now, session: source.session };
      const answer = await handler.run(handler.parse(p), ctx);
      return { envelope: eventEnvelope(answer.event, answer.parameters, nonce), rejectedEarly: false, command, outcome: answer.event };
    } catch (e) {
      if (e instanceof ProtocolError) return fail(e.error, false, e.message, e.parameter);
      this.#o.log.error({ err: e, command, instance: source.slug }, 'request failed');
      return fail('internal_error', false);
    }
  }
}
