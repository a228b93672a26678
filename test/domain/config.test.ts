import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, envName, OPTIONS, resolveConfig } from '../../src/config.js';

test('defaults apply without flags or environment', () => {
  const c = resolveConfig({}, {});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 6001);
  assert.equal(c.shard, 'exon');
  assert.deepEqual([...c.shards], ['exon', 'cyton', 'zeus']);
  assert.equal(c.data, './data');
  assert.equal(c.database, undefined);
  assert.deepEqual([...c.imports], []);
  assert.equal(c.rateLimit, true);
  assert.equal(c.rateBudget, 100);
  assert.equal(c.rateWindowMs, 30_000);
  assert.equal(c.maxPayload, 65_536);
  assert.equal(c.pingIntervalMs, 30_000);
  assert.equal(c.floodLimit, 100);
  assert.equal(c.floodWindowMs, 10_000);
  assert.equal(c.sendBufferLimit, 1_048_576);
  assert.equal(c.connectionsPerSecond, 100);
  assert.equal(c.connectionsPerAddress, 5000);
  assert.equal(c.passwordFailures, 20);
  assert.equal(c.passwordWindowMs, 300_000);
  assert.equal(c.synchronous, 'FULL');
  assert.equal(c.costs.payitems, 1);
  assert.equal(c.costs.version, 50);
});

test('CONCERTPOS_PORT and other variables beat defaults', () => {
  assert.equal(envName('port'), 'CONCERTPOS_PORT');
  assert.equal(envName('rate-window-ms'), 'CONCERTPOS_RATE_WINDOW_MS');
  const c = resolveConfig({}, { CONCERTPOS_PORT: '7001', CONCERTPOS_DATA: '/tmp/x', CONCERTPOS_RATE_LIMIT: 'false', CONCERTPOS_SHARDS: 'a,b', CONCERTPOS_SHARD: 'b' });
  assert.equal(c.port, 7001);
  assert.equal(c.data, '/tmp/x');
  assert.equal(c.rateLimit, false);
  assert.deepEqual([...c.shards], ['a', 'b']);
  assert.equal(c.shard, 'b');
});

test('flags beat environment variables', () => {
  const c = resolveConfig({ port: '7002', 'rate-limit': true, data: '/flag' }, { CONCERTPOS_PORT: '7001', CONCERTPOS_RATE_LIMIT: 'false', CONCERTPOS_DATA: '/env' });
  assert.equal(c.port, 7002);
  assert.equal(c.rateLimit, true);
  assert.equal(c.data, '/flag');
  // --no-rate-limit (false) beats an env true
  assert.equal(resolveConfig({ 'rate-limit': false }, { CONCERTPOS_RATE_LIMIT: 'true' }).rateLimit, false);
  // an empty repeated list flag falls back to the environment
  assert.deepEqual([...resolveConfig({ import: [] }, { CONCERTPOS_IMPORT: 'a.json,b.json' }).imports], ['a.json', 'b.json']);
  assert.deepEqual([...resolveConfig({ import: ['c.json'] }, { CONCERTPOS_IMPORT: 'a.json' }).imports], ['c.json']);
});

test('port 0 means any free port', () => {
  assert.equal(resolveConfig({ port: '0' }, {}).port, 0);
});

test('the shard is added to the accepted shard names', () => {
  assert.deepEqual([...resolveConfig({ shard: 'apollo' }, {}).shards], ['exon', 'cyton', 'zeus', 'apollo']);
});

test('bad values throw ConfigError', () => {
  const bad: [Record<string, unknown>, NodeJS.ProcessEnv][] = [
    [{ port: 'abc' }, {}],
    [{ port: '-1' }, {}],
    [{ port: '1.5' }, {}],
    [{}, { CONCERTPOS_PORT: 'eighty' }],
    [{}, { CONCERTPOS_PORT: '-5' }],
    [{ 'rate-budget': '0' }, {}],
    [{ 'max-payload': '100' }, {}],
    [{}, { CONCERTPOS_RATE_LIMIT: 'maybe' }],
    [{ synchronous: 'OFF' }, {}],
    [{ shard: 'Exon' }, {}],
    [{ shards: 'ok,Not_OK' }, {}],
    [{ database: 'mysql://localhost/x' }, {}],
  ];
  for (const [flags, env] of bad) {
    assert.throws(() => resolveConfig(flags as never, env), ConfigError, JSON.stringify([flags, env]));
  }
});

test('a port above 65535 is a ConfigError, not a failure at listen time', () => {
  assert.throws(() => resolveConfig({ port: '65536' }, {}), ConfigError);
  assert.throws(() => resolveConfig({}, { CONCERTPOS_PORT: '99999' }), ConfigError);
  assert.equal(resolveConfig({ port: '65535' }, {}).port, 65535);
});

test('every option has an environment variable of the documented form', () => {
  for (const name of Object.keys(OPTIONS)) assert.match(envName(name), /^CONCERTPOS_[A-Z0-9_]+$/);
});

test('the resolved config is frozen', () => {
  const c = resolveConfig({}, {});
  assert.ok(Object.isFrozen(c));
});
