import { verifyChain } from '../audit/verify-chain.js';
import { resolveConfig } from '../config.js';
import { openStore } from '../store/open.js';
import { parseFlags, STORE_FLAGS } from './args.js';

/** `concertpos verify [--instance SLUG] [store flags]`: exit 0 when every chain holds, 1 naming the first bad row. */
export async function verifyCommand(argv: string[]): Promise<number> {
  const { flags, extra } = parseFlags(argv, STORE_FLAGS, { instance: 'string' });
  const store = await openStore(resolveConfig(flags));
  try {
    const slug = extra.instance as string | undefined;
    const instances = slug ? [await store.instanceBySlug(slug)] : await store.listInstances();
    if (instances[0] === null) {
      console.error(`verify: no instance "${slug}"`);
      return 1;
    }
    let ok = true;
    for (const instance of instances) {
      if (!instance) continue;
      const report = await verifyChain(store, instance);
      if (report.ok) {
        console.log(`${instance.slug}: ok, ${report.rows} rows`);
      } else {
        ok = false;
        console.log(`${instance.slug}: BROKEN at row ${report.firstBad.ID}: ${report.firstBad.reason}`);
      }
    }
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
