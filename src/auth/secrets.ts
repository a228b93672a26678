import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { digest, hexDigest } from '../domain/digest.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

// Keys and passwords are often chosen by people ("bar-nord-2026"), so they
// are stored with a slow, salted hash. 2^14 keeps one check around 20 ms on
// the reference machine; verified secrets are cached (see SecretCache).
const COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** Hashes a secret for storage: `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * Checks a secret against a stored hash in constant time; false for a
 * malformed hash and for a secret with a NUL character.
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  // scrypt keys HMAC-SHA256 with the secret, and HMAC pads short keys with
  // zero bytes: "key" and "key\0" would hash alike. No real key holds a NUL.
  if (secret.includes('\0')) return false;
  const expected = Buffer.from(hashText, 'base64url');
  const actual = await scryptAsync(secret, Buffer.from(saltText, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A short, non-reversible fingerprint of a secret, safe for logs and the audit trail. */
export function fingerprint(secret: string): string {
  return hexDigest('sha256', secret).slice(0, 12);
}


/**
 * Remembers which secrets were verified against which stored hash, so a
 * terminal's every request does not pay for scrypt. Entries are keyed by the
 * stored hash: a new key or password (a new hash) starts from scratch.
 */
export class SecretCache {
  readonly #verified = new Map<string, Buffer>();
  readonly #pending = new Map<string, Promise<boolean>>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /**
   * Verifies `secret` against `stored`, from the cache when it was verified
   * before. Checks of the same secret already under way are shared: when a
   * gateway restarts, its 2,000 terminals reconnect and send the same key at
   * once, and one scrypt answers them all instead of 2,000 in a queue.
   */
  async verify(secret: string, stored: string): Promise<boolean> {
    const candidate = digest('sha256', secret);
    const known = this.#verified.get(stored);
    if (known && timingSafeEqual(known, candidate)) return true;
    const key = `${stored}\n${candidate.toString('base64')}`;
    let check = this.#pending.get(key);
    if (!check) {
      check = verifySecret(secret, stored).finally(() => this.#pending.delete(key));
      this.#pending.set(key, check);
    }
    if (!(await check)) return false;
    if (this.#verified.size >= this.#limit) this.#verified.clear();
    this.#verified.set(stored, candidate);
    return true;
  }

  /**
   * True when another secret was verified against `stored` before: this one
   * cannot match (a stored hash has one secret), so no scrypt is needed. For
   * terminal API keys, where a paced flood of wrong keys otherwise fills the
   * thread pool with hashing that every fsync then waits behind. Not for
   * checks whose timing must not depend on earlier logins (admin keys).
   */
  knownWrong(secret: string, stored: string): boolean {
    const known = this.#verified.get(stored);
    return known !== undefined && !timingSafeEqual(known, digest('sha256', secret));
  }
}
