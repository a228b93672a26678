import assert from 'node:assert/strict';
import { test } from 'node:test';
import JSON5 from 'json5';
import { parseFrame } from '../../src/protocol/codec.js';
import { json5ToJson, stringifyJson5 } from '../../src/protocol/json5-fast.js';

const VALUES = [
  { command: 'payitems', parameters: { api_key: 'k', POSID: '1', Products: [{ ID: 1, Amount: 2, ProductName: 'Bier "x" it\'s \\ back\nnl \u2028 é' }], posPassword: null } },
  { a: [1, -2.5, 1e21, 0.07, true, false, null, {}], 'weird key': 1, $ok_1: 'x', ключ: 'v', '': 1 },
];

test('the reference client\'s JSON5 takes the rewrite to JSON and reads as the json5 package reads it', () => {
  for (const value of VALUES) {
    const five = JSON5.stringify(value);
    assert.notEqual(json5ToJson(five), undefined, five);
    assert.deepEqual(parseFrame(five), { ok: true, value: JSON5.parse(five) });
  }
});

test('JSON5 outside the rewritten subset reads exactly as the json5 package reads it, or fails as it does', () => {
  const texts = ["{a:'\\x41'}", '{a:0x10}', '{a:Infinity}', '{a:1,}', '{// c\na:1}', "{a:'it\\'s'}", "{'a b':'c'}", '{a:"x\\"y"}', "{a : 'b' , c:[ 'd' ]}", '{a:.5}', '{a:+1}', "{a:'\\0'}", "{a:'x\\\ny'}", '{a\\u0062:1}', "{a:'\t'}", '"x"', "'x'", '[a]', '{a:b}', '{a:1}}', "{a:'x'"];
  for (const text of texts) {
    let expected: unknown;
    try {
      expected = { ok: true, value: JSON5.parse(text) };
    } catch {
      expected = { ok: false };
    }
    assert.deepEqual(parseFrame(text), expected, text);
  }
});

test('stringifyJson5 writes identifier keys bare, other keys quoted, and reads back as JSON would', () => {
  for (const value of VALUES) {
    const five = stringifyJson5(value);
    assert.deepEqual(JSON5.parse(five), JSON.parse(JSON.stringify(value)));
    assert.doesNotMatch(five, /"(command|a|\$ok_1):/);
    assert.doesNotMatch(five, /\u2028/);
  }
  assert.equal(stringifyJson5({ 'a b': { c: 'd":e' } }), '{"a b":{c:"d\\":e"}}');
});

test('keys holding quotes, backslashes or key-like text stay quoted and intact', () => {
  const value = { 'x"abc': 1, 'a\\': { 'b",c': 'd,"e":f' }, list: ['{"g":1}', ',"h":'], ok: 'x\\"y":' };
  const five = stringifyJson5(value);
  assert.deepEqual(JSON5.parse(five), value);
  assert.match(five, /^\{"x\\"abc":1,"a\\\\":\{"b\\",c":"d,\\"e\\":f"\},list:/);
});
