import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ISO_MS,
  KEYS,
  connect,
  expectError,
  expectEvent,
  rowHash,
  startFixtureServer,
  transactionsOf,
  type FixtureServer,
} from '../helpers/protocol-fixtures.js';
import type { Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §4 "payitems — the rules of a sale" and "Transaction rows".
// Tests in this file run in order against one server; each counts rows
// before and after instead of assuming a global state, except the first.

let fx: FixtureServer;
const open: Terminal[] = [];
async function term(slug: string): Promise<Terminal> {
  const t = await connect(fx.server, slug);
  open.push(t);
  return t;
}

before(async () => {
  fx = await startFixtureServer(['--no-rate-limit']);
});
after(async () => {
  for (const t of open) t.close();
  await fx.stop();
});

const pay = (t: Terminal, key: string, params: Record<string, unknown>) => t.request('payitems', { api_key: key, ...params });

/** Every ledger row of an instance (all its POS), in ID order. */
async function ledger(t: Terminal, key: string, posIds: number[]): Promise<any[]> {
  const rows = (await Promise.all(posIds.map((id) => transactionsOf(t, key, id)))).flat();
  return rows.sort((a, b) => a.ID - b.ID);
}

describe('per-instance numbering', () => {
  test('two fresh instances both start at transaction ID 1 and TicketID 1', async () => {
    const g = await term('gamma');
    const d = await term('delta');
    const a = expectEvent(await pay(g, KEYS.gamma, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'payitem');
    const b = expectEvent(await pay(d, KEYS.delta, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'payitem');
    assert.equal(a.TicketID, 1);
    assert.equal(b.TicketID, 1);
    assert.deepEqual(a.Transactions.map((r: any) => r.ID), [1, 2]);
    assert.deepEqual(b.Transactions.map((r: any) => r.ID), [1, 2]);
    const a2 = expectEvent(await pay(g, KEYS.gamma, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 3 }] }), 'payitem');
    assert.equal(a2.TicketID, 2);
    assert.deepEqual(a2.Transactions.map((r: any) => r.ID), [3, 4]);
    // delta is not affected by gamma's second sale
    const b2 = expectEvent(await pay(d, KEYS.delta, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'payitem');
    assert.equal(b2.TicketID, 2);
    assert.deepEqual(b2.Transactions.map((r: any) => r.ID), [3, 4]);
  });

  test('IDs and TicketIDs stay gapless across POS, failed sales and duplicates', async () => {
    const t = await term('alpha');
    const before = await ledger(t, KEYS.alpha, [1, 2]);
    const lastId = before.at(-1)?.ID ?? 0;
    const lastTicket = before.at(-1)?.TicketID ?? 0;
    const s1 = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }], RequestID: 'gapless-1' }), 'payitem');
    expectError(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }, { ID: 6, Amount: 1 }] }), 'not_found', 4010);
    expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }], RequestID: 'gapless-1' }), 'payitem');
    const s2 = expectEvent(await pay(t, KEYS.alpha, { POSID: 2, PaymentMethod: 4, Products: [{ ID: 6, Amount: 2 }] }), 'payitem');
    const s3 = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 2, Products: [{ ID: 1, Amount: 1 }] }), 'payitem');
    assert.deepEqual([s1.TicketID, s2.TicketID, s3.TicketID], [lastTicket + 1, lastTicket + 2, lastTicket + 3]);
    const ids = [s1, s2, s3].flatMap((s) => s.Transactions.map((r: any) => r.ID));
    assert.deepEqual(ids, [lastId + 1, lastId + 2, lastId + 3, lastId + 4]);
    const after = await ledger(t, KEYS.alpha, [1, 2]);
    assert.deepEqual(
      after.map((r) => r.ID),
      Array.from({ length: after.length }, (_, i) => i + 1),
    );
  });
});

describe('the payitem answer', () => {
  test('event payitem (singular) with every field, numbers and Duplicate false', async () => {
    const t = await term('alpha');
    const frame = await pay(t, KEYS.alpha, { POSID: '1', PaymentMethod: '2', Products: [{ ID: '3', Amount: '1' }] });
    const p = expectEvent(frame, 'payitem');
    assert.deepEqual(Object.keys(p).sort(), ['Duplicate', 'Items', 'POSID', 'PaymentMethod', 'TicketID', 'Total', 'Transactions'].sort());
    assert.equal(p.POSID, 1);
    assert.equal(p.PaymentMethod, 2);
    assert.equal(typeof p.TicketID, 'number');
    assert.equal(p.Items, 1);
    assert.equal(p.Total, 8.9);
    assert.equal(p.Duplicate, false);
    assert.equal(p.Transactions.length, 1);
    const row = p.Transactions[0];
    assert.deepEqual(Object.keys(row).sort(), ['AmountMoney', 'AmountProduct', 'Note', 'Payment_ID', 'PointOfSaleID', 'Product_ID', 'TicketID', 'ID', 'hash', 'timestamp'].sort());
    assert.equal(row.TicketID, p.TicketID);
    assert.equal(row.Payment_ID, 2);
    assert.equal(row.PointOfSaleID, 1);
    assert.equal(row.Product_ID, 3);
    assert.equal(row.AmountProduct, 1);
    assert.equal(row.AmountMoney, 8.9);
    assert.equal(row.Note, null);
    assert.match(row.timestamp, ISO_MS);
    assert.match(row.hash, /^[0-9a-f]{128}$/);
  });

  test('prices sent by the client are never used', async () => {
    const t = await term('alpha');
    const p = expectEvent(
      await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, ProductName: 'Cocktail', Price: 0.01, Amount: 1, AmountMoney: 0.01 }], Total: 0.01 }),
      'payitem',
    );
    assert.equal(p.Total, 8.9);
    assert.equal(p.Transactions[0].AmountMoney, 8.9);
  });
});

describe('money is exact (integer cents)', () => {
  test('3 × 8.9 = 26.7 exactly', async () => {
    const t = await term('alpha');
    const p = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 3 }] }), 'payitem');
    assert.equal(p.Transactions[0].AmountMoney, 26.7);
    assert.equal(p.Total, 26.7);
    assert.equal(p.Items, 3);
  });

  test('3 × 0.1 = 0.3 and 3 × 0.07 = 0.21; the total 27.21 has no float residue', async () => {
    const t = await term('alpha');
    const p = expectEvent(
      await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 3 }, { ID: 4, Amount: 3 }, { ID: 7, Amount: 3 }] }),
      'payitem',
    );
    assert.deepEqual(
      p.Transactions.map((r: any) => [r.Product_ID, r.AmountProduct, r.AmountMoney]),
      [
        [3, 3, 26.7],
        [4, 3, 0.3],
        [7, 3, 0.21],
      ],
    );
    assert.equal(p.Total, 27.21);
    assert.equal(p.Items, 9);
  });

  test('a negative price books a negative row (deposit return)', async () => {
    const t = await term('alpha');
    const p = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 5, Amount: 2 }] }), 'payitem');
    assert.equal(p.Transactions[0].AmountMoney, -5);
    assert.equal(p.Total, -5);
    assert.equal(p.Items, 2);
  });

  test('mixed positive and negative rows: 4.5 + 2.5 deposit − 2.5 return = 4.5', async () => {
    const t = await term('alpha');
    const p = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }, { ID: 5, Amount: 1 }] }), 'payitem');
    assert.equal(p.Total, 4.5);
  });
});

describe('deposit rows', () => {
  test('a Deposit product adds a deposit row with the same Amount; Items excludes it, Total includes it', async () => {
    const t = await term('alpha');
    const p = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 2 }, { ID: 3, Amount: 1 }] }), 'payitem');
    const rows = p.Transactions.map((r: any) => [r.Product_ID, r.AmountProduct, r.AmountMoney]);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.find((r: number[]) => r[0] === 1), [1, 2, 9]);
    assert.deepEqual(rows.find((r: number[]) => r[0] === 99), [99, 2, 5]);
    assert.deepEqual(rows.find((r: number[]) => r[0] === 3), [3, 1, 8.9]);
    assert.equal(p.Items, 3);
    assert.equal(p.Total, 22.9);
    for (const r of p.Transactions) assert.equal(r.TicketID, p.TicketID, 'the deposit row belongs to the same ticket');
  });

  test('the demo beer: 2 × 4.5 + 2 × 2 deposit = 13', async () => {
    const t = await term('demo');
    const p = expectEvent(await pay(t, KEYS.demo, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 2 }] }), 'payitem');
    assert.equal(p.Total, 13);
    assert.equal(p.Items, 2);
    assert.deepEqual(p.Transactions.map((r: any) => [r.Product_ID, r.AmountMoney]), [
      [1, 9],
      [99, 4],
    ]);
  });

  test('the same product twice in one request is booked once with the summed Amount', async () => {
    const t = await term('alpha');
    const p = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 1 }, { ID: 3, Amount: 0 }, { ID: 4, Amount: 2 }] }), 'payitem');
    const units = p.Transactions.filter((r: any) => r.Product_ID === 4).reduce((s: number, r: any) => s + r.AmountProduct, 0);
    assert.equal(units, 3);
    assert.equal(p.Items, 3);
    assert.equal(p.Total, 0.3);
    assert.ok(!p.Transactions.some((r: any) => r.Product_ID === 3), 'Amount 0 lines are not booked');
  });
});

describe('atomic tickets', () => {
  test('a sale with one unassigned product writes nothing', async () => {
    const t = await term('alpha');
    const before = await transactionsOf(t, KEYS.alpha, 1);
    const r = expectError(
      await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 2 }, { ID: 3, Amount: 1 }, { ID: 6, Amount: 1 }] }),
      'not_found',
      4010,
    );
    assert.equal(r.command, 'payitems');
    const after = await transactionsOf(t, KEYS.alpha, 1);
    assert.equal(after.length, before.length);
    assert.deepEqual(after[0], before[0]);
  });

  test('the next sale after a failed one continues the numbering without a gap', async () => {
    const t = await term('alpha');
    const all = await ledger(t, KEYS.alpha, [1, 2]);
    expectError(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 3, Products: [{ ID: 3, Amount: 1 }, { ID: 2, Amount: 1 }] }), 'crew_blocked', 4012);
    const p = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }] }), 'payitem');
    assert.equal(p.Transactions[0].ID, (all.at(-1)?.ID ?? 0) + 1);
    assert.equal(p.TicketID, (all.at(-1)?.TicketID ?? 0) + 1);
  });
});

describe('sale rules', () => {
  test('crew_blocked: a CrewBlocked product paid with a crew method books nothing', async () => {
    const t = await term('alpha');
    const before = await transactionsOf(t, KEYS.alpha, 1);
    const r = expectError(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 3, Products: [{ ID: 2, Amount: 1 }] }), 'crew_blocked', 4012);
    assert.equal(r.command, 'payitems');
    assert.equal((await transactionsOf(t, KEYS.alpha, 1)).length, before.length);
  });

  test('the CrewBlocked product sells with a non-crew method, and other products with the crew method', async () => {
    const t = await term('alpha');
    expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }] }), 'payitem');
    const crew = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 3, Products: [{ ID: 3, Amount: 1 }, { ID: 2, Amount: 0 }] }), 'payitem');
    assert.equal(crew.PaymentMethod, 3);
  });

  test('ticket_limit: config ticket_limit 10 allows 10 units and refuses 11 (same ID merged)', async () => {
    const t = await term('alpha');
    expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 6 }, { ID: 3, Amount: 4 }] }), 'payitem');
    const before = await transactionsOf(t, KEYS.alpha, 1);
    expectError(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 6 }, { ID: 3, Amount: 5 }] }), 'ticket_limit', 4013);
    expectError(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 6 }, { ID: 4, Amount: 5 }] }), 'ticket_limit', 4013);
    expectError(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 11 }] }), 'ticket_limit', 4013);
    assert.equal((await transactionsOf(t, KEYS.alpha, 1)).length, before.length);
  });

  test('no ticket_limit configured: 100 units in one sale are fine', async () => {
    const t = await term('beta');
    const p = expectEvent(await pay(t, KEYS.beta, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 100 }] }), 'payitem');
    assert.equal(p.Total, 300);
  });

  test('license_inactive: a disabled license books nothing', async () => {
    const t = await term('inactive');
    expectError(await pay(t, KEYS.inactive, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'license_inactive', 4017);
    assert.equal((await transactionsOf(t, KEYS.inactive, 1)).length, 0);
  });

  test('license_inactive: an expired license, and one created in the future', async () => {
    const e = await term('expired');
    expectError(await pay(e, KEYS.expired, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'license_inactive', 4017);
    assert.equal((await transactionsOf(e, KEYS.expired, 1)).length, 0);
    const f = await term('future');
    expectError(await pay(f, KEYS.future, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'license_inactive', 4017);
  });

  test('limit_reached: license TicketLimit 2 allows two tickets ever', async () => {
    const t = await term('limited');
    const a = expectEvent(await pay(t, KEYS.limited, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'payitem');
    const b = expectEvent(await pay(t, KEYS.limited, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 5 }] }), 'payitem');
    assert.deepEqual([a.TicketID, b.TicketID], [1, 2]);
    expectError(await pay(t, KEYS.limited, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'limit_reached', 4014);
    const u = await term('limited');
    expectError(await pay(u, KEYS.limited, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] }), 'limit_reached', 4014);
    assert.equal((await transactionsOf(t, KEYS.limited, 1)).length, 4);
  });
});

describe('RequestID idempotency', () => {
  test('a retry answers Duplicate true with the same ticket and books nothing', async () => {
    const t = await term('alpha');
    const sale = { POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }, { ID: 4, Amount: 2 }], RequestID: 'retry-A_1' };
    const first = expectEvent(await pay(t, KEYS.alpha, sale), 'payitem');
    assert.equal(first.Duplicate, false);
    const count = (await transactionsOf(t, KEYS.alpha, 1)).length;
    const u = await term('alpha'); // the retry comes on a new connection, after a reconnect
    const again = expectEvent(await pay(u, KEYS.alpha, sale), 'payitem');
    assert.equal(again.Duplicate, true);
    assert.equal(again.TicketID, first.TicketID);
    assert.equal(again.Total, first.Total);
    assert.equal(again.Items, first.Items);
    assert.deepEqual(again.Transactions, first.Transactions);
    assert.equal((await transactionsOf(t, KEYS.alpha, 1)).length, count);
  });

  test('the same sale with products reordered and Amount 0 lines is still a duplicate', async () => {
    const t = await term('alpha');
    const first = expectEvent(
      await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 2, Products: [{ ID: 3, Amount: 1 }, { ID: 4, Amount: 1 }], RequestID: 'retry-B' }),
      'payitem',
    );
    const again = expectEvent(
      await pay(t, KEYS.alpha, { POSID: '1', PaymentMethod: '2', Products: [{ ID: 2, Amount: 0 }, { ID: '4', Amount: '1' }, { ID: 3, Amount: 1 }], RequestID: 'retry-B' }),
      'payitem',
    );
    assert.equal(again.Duplicate, true);
    assert.equal(again.TicketID, first.TicketID);
  });

  test('the same RequestID for a different sale is idempotency_conflict and books nothing', async () => {
    const t = await term('alpha');
    expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }], RequestID: 'conflict-1' }), 'payitem');
    const count1 = (await transactionsOf(t, KEYS.alpha, 1)).length;
    const count2 = (await transactionsOf(t, KEYS.alpha, 2)).length;
    const variants = [
      { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 2 }] },
      { POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 1 }] },
      { POSID: 1, PaymentMethod: 1, Products: [{ ID: 3, Amount: 1 }, { ID: 4, Amount: 1 }] },
      { POSID: 1, PaymentMethod: 2, Products: [{ ID: 3, Amount: 1 }] },
      { POSID: 2, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] },
    ];
    for (const v of variants) {
      const frame = await pay(t, KEYS.alpha, { ...v, RequestID: 'conflict-1' });
      assert.equal(frame.result.error, 'idempotency_conflict', `${JSON.stringify(v)}: ${JSON.stringify(frame)}`);
      assert.equal(frame.result.code, 4018);
    }
    assert.equal((await transactionsOf(t, KEYS.alpha, 1)).length, count1);
    assert.equal((await transactionsOf(t, KEYS.alpha, 2)).length, count2);
  });

  test('a failed sale does not use up its RequestID', async () => {
    const t = await term('alpha');
    expectError(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 3, Products: [{ ID: 2, Amount: 1 }], RequestID: 'failed-first' }), 'crew_blocked', 4012);
    const p = expectEvent(await pay(t, KEYS.alpha, { POSID: 1, PaymentMethod: 1, Products: [{ ID: 2, Amount: 1 }], RequestID: 'failed-first' }), 'payitem');
    assert.equal(p.Duplicate, false);
  });
});

describe('listtransactions', () => {
  test('newest first, only the POS asked for, Count equals the rows', async () => {
    const t = await term('alpha');
    const p = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1 }), 'listtransactions');
    assert.equal(p.POSID, 1);
    assert.equal(p.Count, p.Transactions.length);
    assert.ok(p.Count > 10);
    const ids = p.Transactions.map((r: any) => r.ID);
    assert.deepEqual(ids, [...ids].sort((a: number, b: number) => b - a));
    for (const r of p.Transactions) assert.equal(r.PointOfSaleID, 1);
    const p2 = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 2 }), 'listtransactions');
    assert.ok(p2.Count > 0);
    for (const r of p2.Transactions) assert.equal(r.PointOfSaleID, 2);
  });

  test('Limit answers the newest N rows', async () => {
    const t = await term('alpha');
    const all = await transactionsOf(t, KEYS.alpha, 1);
    const p = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1, Limit: 3 }), 'listtransactions');
    assert.equal(p.Count, 3);
    assert.deepEqual(p.Transactions, all.slice(0, 3));
    const q = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1, Limit: '1' }), 'listtransactions');
    assert.deepEqual(q.Transactions, all.slice(0, 1));
  });

  test('Before pages backwards: rows with a smaller ID, newest first', async () => {
    const t = await term('alpha');
    const all = await transactionsOf(t, KEYS.alpha, 1);
    const pivot = all[4].ID;
    const p = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1, Before: pivot, Limit: 2 }), 'listtransactions');
    assert.deepEqual(p.Transactions, all.slice(5, 7));
    const rest = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1, Before: String(pivot) }), 'listtransactions');
    assert.deepEqual(rest.Transactions, all.slice(5));
    // paging through with Limit and Before visits every row exactly once
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1, Limit: 4, ...(before ? { Before: before } : {}) }), 'listtransactions');
      if (page.Count === 0) break;
      seen.push(...page.Transactions.map((r: any) => r.ID));
      before = page.Transactions.at(-1).ID;
    }
    assert.deepEqual(seen, all.map((r) => r.ID));
  });

  test('an invalid Before is invalid_parameter naming Before', async () => {
    const t = await term('alpha');
    for (const bad of ['-1', 1.5, 'x', {}]) {
      const frame = await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1, Before: bad });
      assert.equal(frame.result.error, 'invalid_parameter', JSON.stringify(frame));
      assert.equal(frame.result.parameter, 'Before');
    }
  });
});

describe('the hash chain', () => {
  test('every row of alpha chains from 128 zeros over SHA-512 of the documented fields', async () => {
    const t = await term('alpha');
    const rows = await ledger(t, KEYS.alpha, [1, 2]);
    assert.ok(rows.length > 20);
    let prev = '0'.repeat(128);
    for (const row of rows) {
      assert.match(row.timestamp, ISO_MS);
      assert.equal(row.hash, rowHash(prev, 'alpha', row), `row ${row.ID}`);
      prev = row.hash;
    }
  });

  test('the chain is per instance: gamma and delta rows with equal fields differ by slug', async () => {
    const g = await term('gamma');
    const d = await term('delta');
    const rowsG = await ledger(g, KEYS.gamma, [1]);
    const rowsD = await ledger(d, KEYS.delta, [1]);
    assert.equal(rowsG[0].hash, rowHash('0'.repeat(128), 'gamma', rowsG[0]));
    assert.equal(rowsD[0].hash, rowHash('0'.repeat(128), 'delta', rowsD[0]));
  });
});

describe('concurrent terminals', () => {
  test('two connections selling at once get distinct, gapless tickets and rows', async () => {
    const a = await term('delta');
    const b = await term('delta');
    const before = await transactionsOf(a, KEYS.delta, 1);
    const lastId = before[0]?.ID ?? 0;
    const lastTicket = before[0]?.TicketID ?? 0;
    const frame = JSON.stringify({ command: 'payitems', parameters: { api_key: KEYS.delta, POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }] } });
    for (let i = 0; i < 15; i++) {
      a.sendRaw(frame);
      b.sendRaw(frame);
    }
    const answers = [];
    for (let i = 0; i < 15; i++) answers.push(await a.nextAnswer(), await b.nextAnswer());
    const tickets = answers.map((x) => expectEvent(x, 'payitem').TicketID as number).sort((x, y) => x - y);
    assert.deepEqual(tickets, Array.from({ length: 30 }, (_, i) => lastTicket + 1 + i));
    const ids = answers.flatMap((x) => x.result.parameters?.Transactions.map((r: any) => r.ID) as number[]).sort((x, y) => x - y);
    assert.deepEqual(ids, Array.from({ length: 60 }, (_, i) => lastId + 1 + i));
  });

  test('the same RequestID sent on two connections at once books one ticket', async () => {
    const a = await term('delta');
    const b = await term('delta');
    const before = (await transactionsOf(a, KEYS.delta, 1)).length;
    const frame = JSON.stringify({ command: 'payitems', parameters: { api_key: KEYS.delta, POSID: 1, PaymentMethod: 1, Products: [{ ID: 1, Amount: 2 }], RequestID: 'race-1' } });
    a.sendRaw(frame);
    b.sendRaw(frame);
    const [x, y] = [expectEvent(await a.nextAnswer(), 'payitem'), expectEvent(await b.nextAnswer(), 'payitem')];
    assert.equal(x.TicketID, y.TicketID);
    assert.deepEqual([x.Duplicate, y.Duplicate].sort(), [false, true]);
    assert.equal((await transactionsOf(a, KEYS.delta, 1)).length, before + 2);
  });
});
