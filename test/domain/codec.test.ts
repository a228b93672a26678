import assert from 'node:assert/strict';
import { test } from 'node:test';
import JSON5 from 'json5';
import { contentTypeOf, encodeFrame, parseFrame } from '../../src/protocol/codec.js';

test('strict JSON parses (fast path)', () => {
  assert.deepEqual(parseFrame('{"command":"listpos","parameters":{"api_key":"k","POSID":"1"}}'), {
    ok: true,
    value: { command: 'listpos', parameters: { api_key: 'k', POSID: '1' } },
  });
  assert.deepEqual(parseFrame('[1,2]'), { ok: true, value: [1, 2] });
});

test('JSON5: unquoted keys, single quotes, trailing commas, comments', () => {
  const sent = JSON5.stringify({ command: 'payitems', parameters: { api_key: "it's", Products: [{ ID: 1, Amount: 2 }], posPassword: null } });
  assert.deepEqual(parseFrame(sent), { ok: true, value: { command: 'payitems', parameters: { api_key: "it's", Products: [{ ID: 1, Amount: 2 }], posPassword: null } } });
  assert.deepEqual(parseFrame("{command:'version',parameters:{api_key:'k',},}"), { ok: true, value: { command: 'version', parameters: { api_key: 'k' } } });
  assert.deepEqual(parseFrame("// hi\n{command: /* c */ 'x', parameters: {}}"), { ok: true, value: { command: 'x', parameters: {} } });
});

test('invalid frames are ok:false, never a throw', () => {
  for (const text of ['', '{', '{"command":', 'not json', "{command:'x'", '\u0000', '{"a":1}}', 'undefined']) {
    const result = parseFrame(text);
    assert.deepEqual(result, { ok: false }, JSON.stringify(text));
  }
});

test('10,000 levels of nesting do not throw', () => {
  const depth = 10_000;
  const inputs = [
    '['.repeat(depth) + ']'.repeat(depth),
    '['.repeat(depth),
    '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    '{a:'.repeat(depth) + '1' + '}'.repeat(depth),
    '{a:'.repeat(depth) + '1',
    "[{a:'x',b:".repeat(depth) + '1' + '}]'.repeat(depth),
  ];
  for (const text of inputs) {
    let result: ReturnType<typeof parseFrame> | undefined;
    assert.doesNotThrow(() => {
      result = parseFrame(text);
    }, text.slice(0, 20));
    assert.equal(typeof result?.ok, 'boolean');
  }
  // much deeper still: a parse failure or a value, never an exception
  const deep = 200_000;
  assert.doesNotThrow(() => parseFrame('{a:'.repeat(deep) + '1' + '}'.repeat(deep)));
  assert.doesNotThrow(() => parseFrame('['.repeat(deep) + ']'.repeat(deep)));
});

test('contentTypeOf: json5 only when asked, json otherwise', () => {
  assert.equal(contentTypeOf('json5'), 'json5');
  assert.equal(contentTypeOf(' JSON5 '), 'json5');
  assert.equal(contentTypeOf('json'), 'json');
  assert.equal(contentTypeOf(null), 'json');
  assert.equal(contentTypeOf('jsno'), 'json');
  assert.equal(contentTypeOf(''), 'json');
});

test('encodeFrame writes JSON or JSON5', () => {
  const env = { type: 'event', result: { event: 'version', parameters: { Version: '1.0.1' } } };
  assert.equal(encodeFrame(env, 'json'), JSON.stringify(env));
  const five = encodeFrame(env, 'json5');
  assert.deepEqual(JSON5.parse(five), env);
  assert.doesNotMatch(five, /"type"/);
});
