import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkChain, GENESIS_HASH, rowHash, type ChainedFields } from '../../src/domain/ledger.js';
import { sha512sum } from '../helpers/cli-fixtures.js';

const ROW: ChainedFields = {
  ID: 1,
  TicketID: 1,
  PointOfSaleID: 1,
  Payment_ID: 2,
  Product_ID: 99,
  AmountProduct: 3,
  cents: -600,
  timestamp: '2020-05-13T15:27:02.000Z',
  Note: null,
};

function chain(slug: string, rows: ChainedFields[]): (ChainedFields & { hash: string })[] {
  let prev = GENESIS_HASH;
  return rows.map((r) => {
    const hash = rowHash(prev, slug, r);
    prev = hash;
    return { ...r, hash };
  });
}

test('GENESIS_HASH is 128 zeros', () => {
  assert.equal(GENESIS_HASH, '0'.repeat(128));
});

test('rowHash equals sha512sum of the §4 text (independent vector)', async () => {
  const text = `${'0'.repeat(128)}|1|rockfest|1|2|99|3|-600|2020-05-13T15:27:02.000Z|1|`;
  const expected = await sha512sum(text);
  assert.equal(rowHash(GENESIS_HASH, 'rockfest', ROW), expected);
  assert.match(expected, /^[0-9a-f]{128}$/);
});

test('rowHash with a non-ASCII Note hashes its UTF-8 bytes', async () => {
  const prev = 'a'.repeat(128);
  const row = { ...ROW, ID: 7, TicketID: 4, cents: 450, Note: 'void of ticket 3 – Bier ä' };
  const text = `${prev}|7|rockfest|1|2|99|3|450|2020-05-13T15:27:02.000Z|4|void of ticket 3 – Bier ä`;
  assert.equal(rowHash(prev, 'rockfest', row), await sha512sum(text));
});

test('rowHash depends on every covered field, the slug and prev', () => {
  const base = rowHash(GENESIS_HASH, 'rockfest', ROW);
  const variants: [string, string][] = [
    ['prev', rowHash('1'.repeat(128), 'rockfest', ROW)],
    ['slug', rowHash(GENESIS_HASH, 'rockfest2', ROW)],
    ['ID', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, ID: 2 })],
    ['TicketID', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, TicketID: 2 })],
    ['PointOfSaleID', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, PointOfSaleID: 2 })],
    ['Payment_ID', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, Payment_ID: 1 })],
    ['Product_ID', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, Product_ID: 98 })],
    ['AmountProduct', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, AmountProduct: 4 })],
    ['cents', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, cents: -601 })],
    ['timestamp', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, timestamp: '2020-05-13T15:27:02.001Z' })],
    ['Note', rowHash(GENESIS_HASH, 'rockfest', { ...ROW, Note: 'x' })],
  ];
  for (const [field, hash] of variants) assert.notEqual(hash, base, field);
  // null Note and empty Note are the same text by definition
  assert.equal(rowHash(GENESIS_HASH, 'rockfest', { ...ROW, Note: '' }), base);
});

test('checkChain accepts an intact chain and returns the state to continue from', () => {
  const rows = chain('s', [1, 2, 3].map((id) => ({ ...ROW, ID: id, TicketID: id })));
  const result = checkChain('s', rows, { prev: GENESIS_HASH, nextId: 1 });
  assert.deepEqual(result, { ok: true, prev: rows[2]?.hash, nextId: 4 });
  // continuing from the middle
  const tail = checkChain('s', rows.slice(2), { prev: rows[1]!.hash, nextId: 3 });
  assert.equal(tail.ok, true);
  // empty input
  assert.deepEqual(checkChain('s', [], { prev: GENESIS_HASH, nextId: 1 }), { ok: true, prev: GENESIS_HASH, nextId: 1 });
});

test('checkChain names the first changed row', () => {
  const rows = chain('s', [1, 2, 3, 4].map((id) => ({ ...ROW, ID: id, TicketID: id })));
  rows[2] = { ...rows[2]!, cents: 1 };
  const result = checkChain('s', rows, { prev: GENESIS_HASH, nextId: 1 });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.break.ID, 3);
});

test('checkChain catches a deleted, an inserted and a reordered row', () => {
  const rows = chain('s', [1, 2, 3, 4].map((id) => ({ ...ROW, ID: id, TicketID: id })));
  const deleted = checkChain('s', [rows[0]!, rows[2]!, rows[3]!], { prev: GENESIS_HASH, nextId: 1 });
  assert.equal(deleted.ok, false);
  assert.equal(!deleted.ok && deleted.break.ID, 3);
  const swapped = checkChain('s', [rows[0]!, rows[2]!, rows[1]!, rows[3]!], { prev: GENESIS_HASH, nextId: 1 });
  assert.equal(!swapped.ok && swapped.break.ID, 3);
  // a row with a re-computed own hash but a stale successor
  const forged = { ...rows[1]!, cents: 5 };
  forged.hash = rowHash(rows[0]!.hash, 's', forged);
  const result = checkChain('s', [rows[0]!, forged, rows[2]!, rows[3]!], { prev: GENESIS_HASH, nextId: 1 });
  assert.equal(!result.ok && result.break.ID, 3);
  // a chain of another slug does not verify under this slug
  const other = checkChain('t', rows, { prev: GENESIS_HASH, nextId: 1 });
  assert.equal(!other.ok && other.break.ID, 1);
});
