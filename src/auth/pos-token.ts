import { createHmac, timingSafeEqual } from 'node:crypto';

// A POS token proves that its holder knew the password of one point of sale.
// It is bound to the stored password hash, so changing the password revokes
// every token issued for the old one, and signed with a key all gateways share.
const PREFIX = 'pt1';

function signature(key: Buffer, instanceId: number, posId: number, expires: number, passwordHash: string): string {
  return createHmac('sha256', key).update(`${instanceId}|${posId}|${expires}|${passwordHash}`).digest('base64url');
}

/** Issues a token for a POS, valid until `expires` (ms since the epoch). */
export function issuePosToken(key: Buffer, instanceId: number, posId: number, passwordHash: string, expires: number): string {
  return [PREFIX, posId, expires, signature(key, instanceId, posId, expires, passwordHash)].join('.');
}

/** True when `text` looks like a token (as opposed to a password typed by a person). */
export function isPosToken(text: string): boolean {
  return text.startsWith(`${PREFIX}.`);
}

/** Checks a token for this instance, POS and current password at time `now`. */
export function verifyPosToken(
  key: Buffer,
  token: string,
  instanceId: number,
  posId: number,
  passwordHash: string,
  now: number,
): boolean {
  const [prefix, pos, expiresText, sig] = token.split('.');
  if (prefix !== PREFIX || pos !== String(posId) || !expiresText || !sig) return false;
  const expires = Number(expiresText);
  if (!Number.isSafeInteger(expires) || expires <= now) return false;
  const expected = Buffer.from(signature(key, instanceId, posId, expires, passwordHash));
  const actual = Buffer.from(sig);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
