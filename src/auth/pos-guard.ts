import { ProtocolError } from '../protocol/errors.js';
import type { Store } from '../store/store.js';
import type { PointOfSale } from '../store/types.js';
import { issuePosToken, isPosToken, verifyPosToken } from './pos-token.js';
import { SecretCache } from './secrets.js';

export interface PosGuardOptions {
  store: Store;
  signingKey: Buffer;
  /** Failed attempts on one POS within `windowMs` after which every attempt is refused. */
  maxFailures: number;
  windowMs: number;
  tokenTtlMs: number;
  now: () => Date;
}

/**
 * Guards password-protected points of sale: checks posPassword (a token or
 * the password), issues tokens for verifyauth, and locks a POS after too many
 * failures. Failures are counted in the store, so the lockout holds across
 * connections and gateway processes.
 */
export class PosGuard {
  readonly #o: PosGuardOptions;
  readonly #passwords = new SecretCache();
  /** The tail of the running password checks per `instanceId:posId`. */
  readonly #checks = new Map<string, Promise<void>>();

  constructor(options: PosGuardOptions) {
    this.#o = options;
  }

  /** Throws invalid_password unless the request may use this POS. */
  async checkAccess(instanceId: number, pos: PointOfSale, posPassword: string | undefined): Promise<void> {
    if (pos.passwordHash === null) return;
    if (posPassword === undefined) throw new ProtocolError('invalid_password', `Point of sale ${pos.ID} needs posPassword`, 'posPassword');
    return this.#oneAtATime(instanceId, pos.ID, async () => {
      await this.#refuseWhenLocked(instanceId, pos.ID);
      if (await this.#matches(instanceId, pos, posPassword)) return;
      await this.#fail(instanceId, pos.ID);
      throw new ProtocolError('invalid_password', `Wrong posPassword for point of sale ${pos.ID}`, 'posPassword');
    });
  }

  /**
   * verifyauth: a token when `password` opens the POS, null when it does not.
   * An open POS needs no token (null with success). Locked: invalid_password.
   */
  async verify(instanceId: number, pos: PointOfSale, password: string): Promise<{ success: boolean; token: string | null }> {
    const hash = pos.passwordHash;
    if (hash === null) return { success: true, token: null };
    return this.#oneAtATime(instanceId, pos.ID, async () => {
      await this.#refuseWhenLocked(instanceId, pos.ID);
      if (!isPosToken(password) && (await this.#passwords.verify(password, hash))) {
        const expires = this.#o.now().getTime() + this.#o.tokenTtlMs;
        return { success: true, token: issuePosToken(this.#o.signingKey, instanceId, pos.ID, hash, expires) };
      }
      await this.#fail(instanceId, pos.ID);
      return { success: false, token: null };
    });
  }

  /**
   * Runs the password checks of one POS one after another. Otherwise a burst
   * of guesses on many connections would all pass the lockout check before
   * the first failure was recorded, and far more than maxFailures would be
   * tried. Across processes at most one check per process runs at a time.
   */
  async #oneAtATime<T>(instanceId: number, posId: number, work: () => Promise<T>): Promise<T> {
    const key = `${instanceId}:${posId}`;
    const run = (this.#checks.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#checks.set(key, tail);
    void tail.then(() => {
      if (this.#checks.get(key) === tail) this.#checks.delete(key);
    });
    return run;
  }

  async #matches(instanceId: number, pos: PointOfSale, posPassword: string): Promise<boolean> {
    const hash = pos.passwordHash as string;
    if (isPosToken(posPassword)) {
      return verifyPosToken(this.#o.signingKey, posPassword, instanceId, pos.ID, hash, this.#o.now().getTime());
    }
    return this.#passwords.verify(posPassword, hash);
  }

  async #refuseWhenLocked(instanceId: number, posId: number): Promise<void> {
    const since = new Date(this.#o.now().getTime() - this.#o.windowMs).toISOString();
    const failures = await this.#o.store.passwordFailuresSince(instanceId, posId, since);
    if (failures >= this.#o.maxFailures) {
      throw new ProtocolError('invalid_password', `Point of sale ${posId} is locked after too many wrong passwords; try again later`, 'posPassword');
    }
  }

  async #fail(instanceId: number, posId: number): Promise<void> {
    await this.#o.store.recordPasswordFailure(instanceId, posId, this.#o.now().toISOString());
  }
}
