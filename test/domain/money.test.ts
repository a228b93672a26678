import assert from 'node:assert/strict';
import { test } from 'node:test';
import { centsToUnits, unitsToCents } from '../../src/domain/money.js';

test('unitsToCents reads prices with up to 2 decimals exactly', () => {
  assert.equal(unitsToCents(4.5), 450);
  assert.equal(unitsToCents(18), 1800);
  assert.equal(unitsToCents(19.99), 1999);
  assert.equal(unitsToCents(-2), -200);
  assert.equal(unitsToCents(0), 0);
  assert.equal(unitsToCents(0.1), 10);
  assert.equal(unitsToCents(0.2), 20);
  assert.equal(unitsToCents(0.01), 1);
  assert.equal(unitsToCents(-0.05), -5);
  assert.equal(unitsToCents(1.1), 110);
  assert.equal(unitsToCents(8.9), 890);
  assert.equal(unitsToCents(1.15), 115);
  assert.equal(unitsToCents(2.675), undefined);
});

test('unitsToCents accepts numeric strings', () => {
  assert.equal(unitsToCents('4.5'), 450);
  assert.equal(unitsToCents('4.50'), 450);
  assert.equal(unitsToCents('-2'), -200);
  assert.equal(unitsToCents('19.99'), 1999);
});

test('0.1 + 0.2: cents arithmetic is exact, the float sum itself is not a 2-decimal price', () => {
  const a = unitsToCents(0.1);
  const b = unitsToCents(0.2);
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(a + b, 30);
  assert.equal(centsToUnits(a + b), 0.3);
  // 0.1 + 0.2 === 0.30000000000000004: more than 2 decimals, so not a price.
  assert.equal(unitsToCents(0.1 + 0.2), undefined);
});

test('unitsToCents rejects what is not a price', () => {
  for (const bad of [1.234, '1.234', '1e3', '1E3', 1e21, 1e-7, NaN, Infinity, -Infinity, '', ' ', 'abc', '4,5', '--2', '+2', '.5', '5.', null, undefined, true, {}, [], [4.5]]) {
    assert.equal(unitsToCents(bad), undefined, `${typeof bad} ${String(bad)}`);
  }
});

test('centsToUnits writes currency units as JSON numbers', () => {
  assert.equal(centsToUnits(450), 4.5);
  assert.equal(centsToUnits(1800), 18);
  assert.equal(centsToUnits(-200), -2);
  assert.equal(centsToUnits(1999), 19.99);
  assert.equal(centsToUnits(0), 0);
  assert.equal(JSON.stringify({ v: centsToUnits(450) }), '{"v":4.5}');
  assert.equal(JSON.stringify({ v: centsToUnits(-100) }), '{"v":-1}');
});

test('unitsToCents and centsToUnits round-trip every cent value in a range', () => {
  for (let cents = -2000; cents <= 20000; cents += 1) {
    const units = centsToUnits(cents);
    assert.equal(unitsToCents(units), cents, `cents ${cents} → ${units}`);
  }
});
