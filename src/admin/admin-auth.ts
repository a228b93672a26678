import { randomBytes } from 'node:crypto';
import { fingerprint, hashSecret, SecretCache } from '../auth/secrets.js';
import { SlidingCounter } from '../gateway/rate-limiter.js';
import type { Store } from '../store/store.js';
import type { Instance } from '../store/types.js';
import { AdminError } from './http-json.js';

export interface AdminAuthOptions {
  store: Store;
  maxFailures: number;
  windowMs: number;
  now: () => number;
}

/**
 * Admin requests carry `Authorization: Bearer ADMIN_KEY` for the instance in
 * the path. Every failure (no key, wrong key, another instance's key, a
 * terminal key, an unknown slug) looks the same, so answers never reveal
 * whether a slug exists; too many failures lock the client address out.
 */
export class AdminAuth {
  readonly #o: AdminAuthOptions;
  readonly #keys = new SecretCache();
  readonly #failures = new Map<string, SlidingCounter>();
  readonly #lockedUntil = new Map<string, number>();
  /** A hash no key matches, checked when there is nothing to check against. */
  #decoy: Promise<string> | undefined;

  constructor(options: AdminAuthOptions) {
    this.#o = options;
  }

  /** The instance and the key's fingerprint (for the audit log), or an AdminError. */
  async authenticate(slug: string, authorization: string | undefined, address: string): Promise<{ instance: Instance; keyFingerprint: string }> {
    const now = this.#o.now();
    const until = this.#lockedUntil.get(address) ?? 0;
    if (until > now) throw this.#locked(until - now);
    const key = /^Bearer (\S{1,256})$/.exec(authorization ?? '')?.[1];
    const instance = await this.#o.store.instanceBySlug(slug);
    // Always pay for one slow hash check, so an unknown slug (or a missing key)
    // is not answered faster than a wrong key: timing must not reveal slugs.
    const stored = instance?.adminKeyHash ?? (await (this.#decoy ??= hashSecret(randomBytes(24).toString('base64url'))));
    const matches = await this.#keys.verify(key ?? '', stored);
    const ok = matches && key !== undefined && instance?.adminKeyHash != null;
    if (ok && instance && key) return { instance, keyFingerprint: fingerprint(key) };
    this.#fail(address, now);
    throw new AdminError(401, 'unauthorized', 'A valid admin key for this instance is required');
  }

  #fail(address: string, now: number): void {
    if (this.#failures.size > 10_000) this.#failures.clear();
    let counter = this.#failures.get(address);
    if (!counter) this.#failures.set(address, (counter = new SlidingCounter(this.#o.maxFailures - 1, this.#o.windowMs)));
    if (counter.hit(now)) {
      this.#lockedUntil.set(address, now + this.#o.windowMs);
      this.#failures.delete(address);
    }
  }

  #locked(ms: number): AdminError {
    return new AdminError(429, 'too_many_requests', 'Too many failed admin logins from this address; try again later', undefined, Math.ceil(ms / 1000));
  }
}
