import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PosGuard } from '../../src/auth/pos-guard.js';
import payitems from '../../src/commands/payitems.js';
import type { CommandContext } from '../../src/commands/command.js';
import { DEMO_FILE } from '../../src/instances/demo.js';
import { parseInstances } from '../../src/instances/instance-file.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { Instance } from '../../src/store/types.js';
import { tempDir } from '../helpers/server.js';

// A catalogue change can commit between the moment a sale is priced and the
// moment it is appended (another shard's admin change, say). The store then
// refuses the append, and payitems must price the sale again at the new
// catalogue: never book it at the old price, never fail it.

/** The real store; its first append is preceded by a price change, as if it had landed in between. */
function withPriceChangeBeforeFirstAppend(store: Store, instanceId: number, productId: number, priceCents: number): Store {
  let changed = false;
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'appendTicket') {
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return async (...args: Parameters<Store['appendTicket']>) => {
        if (!changed) {
          changed = true;
          await target.updateCatalogue(instanceId, 'test', (c) => ({
            catalogue: { ...c, products: c.products.map((p) => (p.ID === productId ? { ...p, priceCents } : p)) },
            audit: { action: 'price change', before: null, after: null },
          }));
        }
        return target.appendTicket(...args);
      };
    },
  });
}

test('a price change that commits between pricing and append: the sale is priced again and booked once, at the new price', async () => {
  const dir = tempDir('concertpos-reprice-');
  const store = new SqliteStore({ file: `${dir.path}/pos.db`, synchronous: 'NORMAL' });
  try {
    await store.migrate();
    await store.importInstances(await parseInstances(DEMO_FILE, 'demo'));
    const instance = (await store.instanceBySlug('demo')) as Instance;
    const racing = withPriceChangeBeforeFirstAppend(store, instance.id, 4, 999);
    const now = (): Date => new Date();
    const ctx = {
      instance,
      store: racing,
      posGuard: new PosGuard({ store, signingKey: await store.signingKey(), maxFailures: 5, windowMs: 60_000, tokenTtlMs: 60_000, now }),
      now,
      session: { deviceUuid: undefined },
    } as unknown as CommandContext; // payitems uses none of the gateway's other services

    const sale = payitems.parse({ POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 1 }] });
    const answer = (await payitems.run(sale, ctx)).parameters as { TicketID: number; Total: number; Transactions: { Product_ID: number; AmountMoney: number }[] };

    assert.deepEqual(answer.Transactions.map((t) => [t.Product_ID, t.AmountMoney]), [[4, 9.99]], 'priced at the catalogue it committed with');
    assert.equal(answer.Total, 9.99);
    const ledger = await store.transactions(instance.id, {});
    assert.deepEqual(ledger.map((r) => [r.TicketID, r.cents]), [[answer.TicketID, 999]], 'one ticket, nothing booked at the old price');
  } finally {
    await store.close();
    dir.remove();
  }
});
