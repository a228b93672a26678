import { checkChain, GENESIS_HASH, type ChainBreak } from '../domain/ledger.js';
import type { Store } from '../store/store.js';
import type { Instance } from '../store/types.js';

export type ChainReport = { ok: true; rows: number } | { ok: false; rows: number; firstBad: ChainBreak };

const BATCH = 5000;

/**
 * Recomputes an instance's whole hash chain in ID order and compares its end
 * with the head recorded on the instance, so a row deleted from the end is
 * caught as well as a changed or inserted one.
 */
export async function verifyChain(store: Store, instance: Instance): Promise<ChainReport> {
  const head = await store.ledgerHead(instance.id);
  let state = { prev: GENESIS_HASH, nextId: 1 };
  for (;;) {
    const rows = await store.ledgerAfter(instance.id, state.nextId - 1, BATCH);
    const result = checkChain(instance.slug, rows, state);
    if (!result.ok) return { ok: false, rows: state.nextId - 1, firstBad: result.break };
    state = result;
    if (rows.length < BATCH) break;
  }
  const rows = state.nextId - 1;
  if (rows !== head.lastId || state.prev !== head.lastHash) {
    const ID = rows === head.lastId ? rows : Math.min(rows, head.lastId) + 1;
    return { ok: false, rows, firstBad: { ID, reason: `the ledger ends at row ${rows}, the instance records row ${head.lastId}` } };
  }
  return { ok: true, rows };
}
