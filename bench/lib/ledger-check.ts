import { openStore } from '../../src/store/open.js';

/**
 * Ledger rows the demo instance holds, read through the gateway's own store
 * code: after a sales run it must be exactly rows-per-sale × acknowledged sales.
 */
export async function ledgerRows(storeArgs: string[]): Promise<number> {
  const flag = storeArgs[0];
  const value = storeArgs[1] as string;
  const store = await openStore(flag === '--database' ? { data: '', database: value } : { data: value, database: undefined });
  try {
    const demo = await store.instanceBySlug('demo');
    return demo ? (await store.ledgerHead(demo.id)).lastId : 0;
  } finally {
    await store.close();
  }
}
