import { randomBytes } from 'node:crypto';
import { hashSecret } from '../auth/secrets.js';
import { resolveConfig } from '../config.js';
import { openStore } from '../store/open.js';
import { parseFlags, STORE_FLAGS, UsageError } from './args.js';

/**
 * `concertpos admin-key --instance SLUG`: sets a new random admin key and
 * prints it alone on stdout, once; only its hash is stored. The old key
 * stops working at once on every gateway (they read the hash per request).
 */
export async function adminKeyCommand(argv: string[]): Promise<number> {
  const { flags, extra, positionals } = parseFlags(argv, STORE_FLAGS, { instance: 'string' }, true);
  if (typeof extra.instance !== 'string' || positionals.length > 0) throw new UsageError('admin-key takes --instance SLUG');
  const store = await openStore(resolveConfig(flags));
  try {
    const instance = await store.instanceBySlug(extra.instance);
    if (!instance) {
      console.error(`admin-key: no instance "${extra.instance}"`);
      return 1;
    }
    const key = randomBytes(24).toString('base64url');
    await store.setAdminKey(instance.id, await hashSecret(key));
    console.log(key);
    return 0;
  } finally {
    await store.close();
  }
}
