import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Arrivals } from '../../src/gateway/arrivals.js';

test('frames of one turn start together after one onBatch, in arrival order', async () => {
  const events: string[] = [];
  const arrivals = new Arrivals(() => events.push('batch'));
  arrivals.add(() => events.push('a'));
  arrivals.add(() => events.push('b'));
  assert.equal(events.length, 0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['batch', 'a', 'b']);
  arrivals.add(() => events.push('c'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['batch', 'a', 'b', 'batch', 'c']);
});

test('flush starts what is queued at once (shutdown), and an empty flush does nothing', () => {
  const events: string[] = [];
  const arrivals = new Arrivals(() => events.push('batch'));
  arrivals.flush();
  arrivals.add(() => events.push('a'));
  arrivals.flush();
  assert.deepEqual(events, ['batch', 'a']);
});
