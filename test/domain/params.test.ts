import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '../../src/protocol/errors.js';
import { has, optionalId, requireId, requireString, toCount } from '../../src/protocol/params.js';

function invalid(fn: () => unknown, parameter: string, error = 'invalid_parameter'): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.error === error && e.parameter === parameter, `${error} naming ${parameter}`);
}

test('toCount accepts integers and strings of decimal digits', () => {
  assert.equal(toCount(1, 'POSID', 1), 1);
  assert.equal(toCount('1', 'POSID', 1), 1);
  assert.equal(toCount('42', 'POSID', 1), 42);
  assert.equal(toCount(0, 'Amount', 0), 0);
  assert.equal(toCount('0', 'Amount', 0), 0);
  assert.equal(toCount(10_000, 'Amount', 0, 10_000), 10_000);
  assert.equal(toCount('10000', 'Amount', 0, 10_000), 10_000);
  assert.equal(toCount(Number.MAX_SAFE_INTEGER, 'POSID', 1), Number.MAX_SAFE_INTEGER);
  assert.equal(toCount(1.0, 'POSID', 1), 1);
});

test('toCount rejects floats, signs, exponents, spaces and other types with invalid_parameter', () => {
  const bad: unknown[] = ['1e3', '1E3', '-1', '+1', '1.5', '1.0', ' 1', '1 ', '', '0x10', '١', 1.5, -1, NaN, Infinity, -Infinity, {}, [], [1], true, false, null, undefined, 10n];
  for (const value of bad) invalid(() => toCount(value, 'POSID', 0), 'POSID');
});

test('toCount rejects values below min and above max', () => {
  invalid(() => toCount(0, 'POSID', 1), 'POSID');
  invalid(() => toCount('0', 'POSID', 1), 'POSID');
  invalid(() => toCount(10_001, 'Amount', 0, 10_000), 'Amount');
  invalid(() => toCount('10001', 'Amount', 0, 10_000), 'Amount');
});

test('toCount rejects numbers too large to be exact', () => {
  invalid(() => toCount(2 ** 53, 'POSID', 1), 'POSID');
  invalid(() => toCount(1e300, 'POSID', 1), 'POSID');
  invalid(() => toCount('9007199254740993', 'POSID', 1), 'POSID');
  invalid(() => toCount('9'.repeat(400), 'POSID', 1), 'POSID');
});

test('has: null and undefined mean absent', () => {
  assert.equal(has({ a: 0 }, 'a'), true);
  assert.equal(has({ a: '' }, 'a'), true);
  assert.equal(has({ a: null }, 'a'), false);
  assert.equal(has({ a: undefined }, 'a'), false);
  assert.equal(has({}, 'a'), false);
  assert.equal(has(Object.create({ a: 1 }) as Record<string, unknown>, 'a'), false, 'inherited properties are not parameters');
});

test('requireId / optionalId / requireString', () => {
  assert.equal(requireId({ POSID: '3' }, 'POSID'), 3);
  invalid(() => requireId({}, 'POSID'), 'POSID', 'missing_parameter');
  invalid(() => requireId({ POSID: null }, 'POSID'), 'POSID', 'missing_parameter');
  invalid(() => requireId({ POSID: '0' }, 'POSID'), 'POSID');
  assert.equal(optionalId({}, 'Before'), undefined);
  assert.equal(optionalId({ Before: '9' }, 'Before'), 9);
  invalid(() => optionalId({ Before: '1e3' }, 'Before'), 'Before');
  assert.equal(requireString({ UUID: 'x' }, 'UUID'), 'x');
  invalid(() => requireString({}, 'UUID'), 'UUID', 'missing_parameter');
  invalid(() => requireString({ UUID: '' }, 'UUID'), 'UUID');
  invalid(() => requireString({ UUID: 5 }, 'UUID'), 'UUID');
  invalid(() => requireString({ UUID: 'x'.repeat(11) }, 'UUID', 10), 'UUID');
});
