import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { adminClient, adminInstances, ADMIN_KEYS, expectAdminError, expectOk, http, KEYS, startAdminServer } from '../helpers/admin.js';
import { openDataFile, sell } from '../helpers/cli-fixtures.js';
import { connect, expectEvent, ISO_MS, rowHash, sleep, startFixtureServer, type FixtureServer } from '../helpers/protocol-fixtures.js';
import type { Terminal } from '../helpers/terminal.js';

// PROTOCOL.md §9 admin API over the ledger: the journal and its filters, the
// CSV export, tickets, voids, totals, chain verification and devices. Nothing
// here may change or delete a row.

let fx: FixtureServer;
let api: ReturnType<typeof adminClient>;
let t: Terminal;
const open: Terminal[] = [];
const FIELDS = ['ID', 'TicketID', 'Payment_ID', 'PointOfSaleID', 'Product_ID', 'AmountProduct', 'AmountMoney', 'timestamp', 'hash', 'Note'];
const GENESIS = '0'.repeat(128);

/** Rows as the terminals see them, newest first, over every POS that sold. */
let ledger: any[];
/** The first row of the third sale: its timestamp splits the ledger. */
let split: any;

before(async () => {
  fx = await startFixtureServer(['--no-rate-limit', '--ping-interval-ms', '200'], adminInstances());
  api = adminClient(fx.server.url, 'alpha', ADMIN_KEYS.alpha);
  t = await connect(fx.server, 'alpha');
  open.push(t);
  await sell(t, KEYS.alpha, [{ ID: 1, Amount: 2 }], 1, 1); // ticket 1: rows 1 (Bier) and 2 (Pfand)
  await sell(t, KEYS.alpha, [{ ID: 6, Amount: 3 }], 2, 4); // ticket 2: row 3
  await sleep(15);
  const third = await sell(t, KEYS.alpha, [{ ID: 3, Amount: 1 }, { ID: 5, Amount: 1 }], 1, 2); // ticket 3: rows 4, 5
  split = third.Transactions[0];
  const rows = async (pos: number) => expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: pos }), 'listtransactions').Transactions as any[];
  ledger = [...(await rows(1)), ...(await rows(2))].sort((a, b) => b.ID - a.ID);
});
after(async () => {
  for (const c of open) c.close();
  await fx.stop();
});

const ids = (rows: any[]): number[] => rows.map((r) => r.ID);

describe('transactions', () => {
  test('every row as in listtransactions, newest first', async () => {
    const rows = expectOk(await api('GET', '/transactions'));
    assert.deepEqual(ids(rows), [5, 4, 3, 2, 1]);
    assert.deepEqual(rows, ledger);
    assert.deepEqual(Object.keys(rows[0]), FIELDS);
    for (const r of rows) assert.match(r.timestamp, ISO_MS);
  });

  test('filters: pos, method, before, limit, from (inclusive), to (exclusive)', async () => {
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?pos=1'))), [5, 4, 2, 1]);
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?pos=2'))), [3]);
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?method=4'))), [3]);
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?pos=1&method=1'))), [2, 1]);
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?before=4'))), [3, 2, 1]);
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?limit=2'))), [5, 4]);
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?before=5&limit=2'))), [4, 3]);
    const at = encodeURIComponent(split.timestamp);
    assert.deepEqual(ids(expectOk(await api('GET', `/transactions?from=${at}`))), [5, 4]);
    assert.deepEqual(ids(expectOk(await api('GET', `/transactions?to=${at}`))), [3, 2, 1]);
    assert.deepEqual(ids(expectOk(await api('GET', `/transactions?from=${at}&to=${at}`))), []);
    // Any ISO-8601 form of the same instant works.
    const offset = encodeURIComponent(new Date(Date.parse(split.timestamp)).toISOString().replace('Z', '+00:00'));
    assert.deepEqual(ids(expectOk(await api('GET', `/transactions?from=${offset}`))), [5, 4]);
    assert.deepEqual(ids(expectOk(await api('GET', '/transactions?pos=9'))), []);
  });

  test('bad filters are 400 invalid_parameter naming the parameter', async () => {
    expectAdminError(await api('GET', '/transactions?pos=abc'), 400, 'invalid_parameter', 'pos');
    expectAdminError(await api('GET', '/transactions?method=-1'), 400, 'invalid_parameter', 'method');
    expectAdminError(await api('GET', '/transactions?limit=0'), 400, 'invalid_parameter', 'limit');
    expectAdminError(await api('GET', '/transactions?before=1.5'), 400, 'invalid_parameter', 'before');
    expectAdminError(await api('GET', '/transactions?from=yesterday'), 400, 'invalid_parameter', 'from');
    expectAdminError(await api('GET', '/transactions?to=2026-13-45T99:00:00Z'), 400, 'invalid_parameter', 'to');
  });
});

/** Parses RFC 4180 text strictly: CRLF line ends, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"' && field === '') {
      i += 1;
      for (;;) {
        assert.ok(i < text.length, 'unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
        else if (text[i] === '"') {
          i += 1;
          break;
        } else field += text[i++];
      }
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      assert.notEqual(text[i], '\n', 'a bare LF ends no record in RFC 4180');
      assert.notEqual(text[i], '"', 'a quote inside an unquoted field');
      field += text[i++];
    }
  }
  assert.equal(field, '', 'the last record ends with CRLF');
  assert.equal(record.length, 0, 'the last record ends with CRLF');
  return records;
}

describe('transactions.csv', () => {
  test('text/csv, RFC 4180, a header with the listtransactions field names, one record per row', async () => {
    const r = await api('GET', '/transactions.csv');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
    const [header, ...records] = parseCsv(r.text);
    assert.deepEqual(header, FIELDS);
    assert.equal(records.length, ledger.length);
    const byId = new Map(ledger.map((row) => [String(row.ID), row]));
    for (const rec of records) {
      assert.equal(rec.length, FIELDS.length);
      const row = byId.get(rec[0]!);
      assert.ok(row, `row ${rec[0]}`);
      assert.deepEqual(rec, FIELDS.map((f) => (row[f] === null ? '' : String(row[f]))));
      assert.match(rec[7]!, ISO_MS);
    }
  });

  test('from is inclusive, to exclusive', async () => {
    const at = encodeURIComponent(split.timestamp);
    const from = parseCsv((await api('GET', `/transactions.csv?from=${at}`)).text);
    assert.deepEqual(from.slice(1).map((r) => Number(r[0])).sort(), [4, 5]);
    const to = parseCsv((await api('GET', `/transactions.csv?to=${at}`)).text);
    assert.deepEqual(from[0], FIELDS);
    assert.deepEqual(to.slice(1).map((r) => Number(r[0])).sort(), [1, 2, 3]);
    const none = parseCsv((await api('GET', `/transactions.csv?from=${at}&to=${at}`)).text);
    assert.deepEqual(none, [FIELDS], 'an empty range still has the header');
    expectAdminError(await api('GET', '/transactions.csv?from=soon'), 400, 'invalid_parameter', 'from');
  });
});

describe('tickets and voids', () => {
  test('GET /tickets/{id} answers the ticket rows; unknown is 404', async () => {
    const ticket = expectOk(await api('GET', '/tickets/1'));
    assert.equal(ticket.TicketID, 1);
    const byId = (rows: any[]) => [...rows].sort((a, b) => a.ID - b.ID);
    assert.deepEqual(byId(ticket.Transactions), byId(ledger.filter((r) => r.TicketID === 1)));
    expectAdminError(await api('GET', '/tickets/999'), 404, 'not_found');
    expectAdminError(await api('GET', '/tickets/0'), 404, 'not_found');
  });

  test('a void appends a reversal ticket (201) and leaves the original untouched', async () => {
    const original = expectOk(await api('GET', '/tickets/1'));
    const voided = expectOk(await api('POST', '/tickets/1/void'), 201);
    assert.deepEqual(Object.keys(voided).sort(), ['TicketID', 'Transactions']);
    assert.equal(voided.TicketID, 4);
    assert.equal(voided.Transactions.length, original.Transactions.length);
    assert.deepEqual(ids(voided.Transactions).sort(), [6, 7]);
    for (const row of voided.Transactions) {
      const orig = original.Transactions.find((o: any) => o.Product_ID === row.Product_ID);
      assert.ok(orig, `reversal of product ${row.Product_ID}`);
      assert.equal(row.TicketID, 4);
      assert.equal(row.PointOfSaleID, orig.PointOfSaleID);
      assert.equal(row.Payment_ID, orig.Payment_ID);
      assert.equal(row.AmountProduct, -orig.AmountProduct);
      assert.equal(row.AmountMoney, -orig.AmountMoney);
      assert.equal(row.Note, 'void of ticket 1');
      assert.match(row.timestamp, ISO_MS);
    }
    assert.deepEqual(expectOk(await api('GET', '/tickets/1')), original);
    assert.deepEqual(expectOk(await api('GET', '/tickets/4')), voided);
    const all = expectOk(await api('GET', '/transactions'));
    assert.deepEqual(all.slice(2), ledger, 'the earlier rows are unchanged');
  });

  test('a second void, and a void of a reversal, are 409 conflict and book nothing', async () => {
    expectAdminError(await api('POST', '/tickets/1/void'), 409, 'conflict');
    expectAdminError(await api('POST', '/tickets/4/void'), 409, 'conflict');
    expectAdminError(await api('POST', '/tickets/999/void'), 404, 'not_found');
    assert.equal(expectOk(await api('GET', '/transactions')).length, 7);
  });

  test('the chain still verifies, over HTTP and recomputed from the rows', async () => {
    assert.deepEqual(expectOk(await api('GET', '/verify')), { ok: true, rows: 7 });
    const rows = expectOk(await api('GET', '/transactions')).reverse();
    let prev = GENESIS;
    for (const row of rows) {
      assert.equal(row.hash, rowHash(prev, 'alpha', row), `row ${row.ID}`);
      prev = row.hash;
    }
    // Terminals see the reversal in listtransactions.
    const seen = expectEvent(await t.request('listtransactions', { api_key: KEYS.alpha, POSID: 1, Limit: 2 }), 'listtransactions').Transactions;
    assert.deepEqual(ids(seen), [7, 6]);
  });

  test('a void is in the audit log', async () => {
    const log = expectOk(await api('GET', '/audit'));
    const entry = log.find((e: any) => /void/.test(e.action));
    assert.ok(entry, JSON.stringify(log));
    assert.equal(typeof entry.key, 'string');
    assert.ok(JSON.stringify(entry.before).includes('1'));
    assert.ok(JSON.stringify(entry.after).includes('4'));
  });

  test('a voided ticket of another instance is not reachable', async () => {
    const beta = adminClient(fx.server.url, 'beta', ADMIN_KEYS.beta);
    expectAdminError(await beta('GET', '/tickets/1'), 404, 'not_found');
    expectAdminError(await beta('POST', '/tickets/1/void'), 404, 'not_found');
    assert.deepEqual(expectOk(await beta('GET', '/transactions')), []);
  });
});

describe('nothing changes or deletes a transaction', () => {
  test('no route writes the journal: DELETE/PATCH/PUT/POST give 404 or 405', async () => {
    const before = expectOk(await api('GET', '/transactions'));
    const attempts: [string, string][] = [
      ['DELETE', '/transactions'],
      ['POST', '/transactions'],
      ['PUT', '/transactions'],
      ['PATCH', '/transactions'],
      ['DELETE', '/transactions/1'],
      ['PATCH', '/transactions/1'],
      ['PUT', '/transactions/1'],
      ['DELETE', '/tickets/1'],
      ['PATCH', '/tickets/1'],
      ['PUT', '/tickets/1'],
      ['DELETE', '/tickets/1/void'],
      ['POST', '/transactions.csv'],
    ];
    for (const [method, path] of attempts) {
      const r = await api(method, path, { AmountMoney: 0, Note: 'changed' });
      assert.ok(r.status === 404 || r.status === 405, `${method} ${path}: ${r.status} ${r.text}`);
      assert.equal(r.body?.error, r.status === 404 ? 'not_found' : 'method_not_allowed', `${method} ${path}`);
    }
    assert.deepEqual(expectOk(await api('GET', '/transactions')), before);
    assert.deepEqual(expectOk(await api('GET', '/verify')), { ok: true, rows: before.length });
  });
});

describe('totals', () => {
  test('revenue and units per POS, product and payment method; the deposit balance', async () => {
    // After the void of ticket 1: ticket 2 (3 × 1.00 at POS 2, method 4) and
    // ticket 3 (8.90 − 2.50 at POS 1, method 2); tickets 1 and 4 cancel out.
    const totals = expectOk(await api('GET', '/totals'));
    assert.equal(totals.revenue, 9.4);
    const pick = (list: any[], id: number) => list.find((x) => x.ID === id);
    assert.equal(pick(totals.pos, 1).revenue, 6.4);
    assert.equal(pick(totals.pos, 2).revenue, 3);
    assert.equal(pick(totals.pos, 2).units, 3);
    assert.equal(pick(totals.products, 3).units, 1);
    assert.equal(pick(totals.products, 3).revenue, 8.9);
    assert.equal(pick(totals.products, 1).units, 0);
    assert.equal(pick(totals.products, 1).revenue, 0);
    assert.equal(pick(totals.payment_methods, 4).revenue, 3);
    assert.equal(pick(totals.payment_methods, 2).revenue, 6.4);
    assert.equal(pick(totals.payment_methods, 1).revenue, 0);
    // Deposit: 2 handed out and taken back by the void; 1 returned ("Pfand zurück").
    assert.equal(totals.deposit.product, 99);
    assert.equal(totals.deposit.handed_out, 0);
    assert.equal(totals.deposit.returned, 1);
    assert.equal(totals.deposit.balance, -1);
  });

  test('from/to restrict the range', async () => {
    const at = encodeURIComponent(split.timestamp);
    const before = expectOk(await api('GET', `/totals?to=${at}`));
    assert.equal(before.revenue, 17); // ticket 1 (9 + 5) and ticket 2 (3)
    assert.equal(before.deposit.handed_out, 2);
    assert.equal(before.deposit.balance, 2);
    const later = expectOk(await api('GET', `/totals?from=${at}`));
    assert.equal(later.revenue, -7.6); // ticket 3 (6.4) and the void of ticket 1 (−14)
    expectAdminError(await api('GET', '/totals?from=tomorrow'), 400, 'invalid_parameter', 'from');
  });
});

describe('devices', () => {
  test('UUID, point of sale, last seen, online now and shard', async () => {
    const here = randomUUID();
    const gone = randomUUID();
    const d = await connect(fx.server, 'alpha');
    open.push(d);
    expectEvent(await d.request('registerdevice', { api_key: KEYS.alpha, UUID: here, workplace: 2 }), 'registerdevice');
    const g = await connect(fx.server, 'alpha');
    expectEvent(await g.request('registerdevice', { api_key: KEYS.alpha, UUID: gone }), 'registerdevice');
    g.close();
    const started = Date.now();
    let list = expectOk(await api('GET', '/devices'));
    const mine = list.find((x: any) => x.UUID === here);
    assert.ok(mine, JSON.stringify(list));
    assert.equal(mine.POSID, 2);
    assert.equal(mine.shard, 'exon');
    assert.equal(mine.online, true);
    assert.match(mine.LastSeen, ISO_MS);
    assert.ok(Math.abs(Date.parse(mine.LastSeen) - started) < 10_000);
    // Pings every 200 ms: after a second the closed device is offline, the connected one still online.
    await sleep(1200);
    list = expectOk(await api('GET', '/devices'));
    assert.equal(list.find((x: any) => x.UUID === here).online, true);
    assert.equal(list.find((x: any) => x.UUID === gone).online, false);
    assert.ok(Date.parse(list.find((x: any) => x.UUID === here).LastSeen) > Date.parse(mine.LastSeen), 'last seen moves while connected');
    // Another instance sees none of them.
    const beta = expectOk(await adminClient(fx.server.url, 'beta', ADMIN_KEYS.beta)('GET', '/devices'));
    assert.deepEqual(beta, []);
  });
});

describe('time zones', () => {
  test('from/to without an offset are UTC, whatever the gateway\'s time zone', async () => {
    const berlin = await startAdminServer(['--no-rate-limit'], adminInstances(), { TZ: 'Europe/Berlin' });
    try {
      const c = await connect(berlin.server, 'alpha');
      open.push(c);
      const sale = await sell(c, KEYS.alpha, [{ ID: 3, Amount: 1 }], 1, 1);
      const at = sale.Transactions[0].timestamp as string;
      const local = at.replace(/\.\d{3}Z$/, ''); // the same instant written without milliseconds and Z
      const b = adminClient(berlin.server.url, 'alpha', ADMIN_KEYS.alpha);
      const from = expectOk(await b('GET', `/transactions?from=${encodeURIComponent(local)}`));
      assert.deepEqual(ids(from), [1], `from=${local} includes the row of ${at}`);
      const to = expectOk(await b('GET', `/transactions?to=${encodeURIComponent(local)}`));
      assert.deepEqual(ids(to), []);
      const later = new Date(Date.parse(at) + 1000).toISOString().slice(0, 19);
      const plus = expectOk(await b('GET', `/transactions?to=${encodeURIComponent(later)}`));
      assert.deepEqual(ids(plus), [1]);
    } finally {
      await berlin.stop();
    }
  });
});

describe('concurrent voids', () => {
  test('voiding one ticket several times at once books exactly one reversal', async () => {
    const sale = await sell(t, KEYS.alpha, [{ ID: 4, Amount: 3 }], 1, 1);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api('POST', `/tickets/${sale.TicketID}/void`)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409, 409, 409, 409]);
    const reversals = expectOk(await api('GET', '/transactions')).filter((r: any) => r.Note === `void of ticket ${sale.TicketID}`);
    assert.equal(reversals.length, 1);
    assert.equal(expectOk(await api('GET', '/verify')).ok, true);
  });
});

describe('verify', () => {
  test('a changed row is reported as first_bad (SQLite: the file is edited directly)', { skip: process.env.CONCERTPOS_TEST_STORE === 'postgres' }, async () => {
    const db = openDataFile(fx.server.data);
    try {
      db.exec('DROP TRIGGER transactions_no_update');
      const instance = db.prepare("SELECT id FROM instances WHERE slug = 'alpha'").get() as { id: number };
      db.prepare('UPDATE transactions SET cents = cents + 1 WHERE instance_id = ? AND id = 3').run(instance.id);
    } finally {
      db.close();
    }
    const r = expectOk(await api('GET', '/verify'));
    assert.equal(r.ok, false);
    assert.equal(r.first_bad, 3);
    // Another instance's chain is unaffected.
    const beta = await http(fx.server.url, 'GET', '/api/admin/beta/verify', { key: ADMIN_KEYS.beta });
    assert.deepEqual(beta.body, { ok: true, rows: 0 });
  });
});
