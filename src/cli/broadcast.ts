import { resolveConfig } from '../config.js';
import { openStore } from '../store/open.js';
import { parseFlags, STORE_FLAGS, UsageError } from './args.js';

/** `concertpos broadcast (--instance SLUG | --all) MESSAGE [--params JSON]`: every gateway sharing the store sends it. */
export async function broadcastCommand(argv: string[]): Promise<number> {
  const { flags, positionals, extra } = parseFlags(argv, STORE_FLAGS, { instance: 'string', all: 'boolean', params: 'string' }, true);
  const [message, ...more] = positionals;
  if (!message || more.length > 0) throw new UsageError('broadcast takes exactly one MESSAGE');
  if (Boolean(extra.instance) === Boolean(extra.all)) throw new UsageError('broadcast needs either --instance SLUG or --all');
  let parameters: unknown = {};
  if (extra.params !== undefined) {
    try {
      parameters = JSON.parse(String(extra.params));
    } catch {
      throw new UsageError('--params must be a JSON object');
    }
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) throw new UsageError('--params must be a JSON object');
  }
  const store = await openStore(resolveConfig(flags));
  try {
    let instanceId: number | null = null;
    if (extra.instance) {
      const instance = await store.instanceBySlug(String(extra.instance));
      if (!instance) {
        console.error(`broadcast: no instance "${extra.instance}"`);
        return 1;
      }
      instanceId = instance.id;
    }
    await store.publish({ instanceId, kind: message === 'updatepos' ? 'updatepos' : 'broadcast', message, parameters: parameters as Record<string, unknown> });
    console.log(`queued "${message}" for ${extra.instance ? `instance ${extra.instance}` : 'every instance'}`);
    return 0;
  } finally {
    await store.close();
  }
}
