import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string, encoding: 'hex' | 'buffer') => string | Buffer;

// crypto.hash (Node 20.12+) hashes in one call without a Hash object: these run
// for every request (the API key) and every ledger row. Older Node 20 builds one.
const oneShot = (crypto as { hash?: OneShot }).hash;

/** The digest of UTF-8 text. */
export function digest(algorithm: 'sha256' | 'sha512', text: string): Buffer {
  return oneShot ? (oneShot(algorithm, text, 'buffer') as Buffer) : crypto.createHash(algorithm).update(text, 'utf8').digest();
}

/** The digest of UTF-8 text, in lower-case hex. */
export function hexDigest(algorithm: 'sha256' | 'sha512', text: string): string {
  return oneShot ? (oneShot(algorithm, text, 'hex') as string) : crypto.createHash(algorithm).update(text, 'utf8').digest('hex');
}
