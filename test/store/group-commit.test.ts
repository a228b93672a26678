import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit, type Settled } from '../../src/store/group-commit.js';

test('items submitted in the same turn are written as one batch, each with its own outcome', async () => {
  const batches: number[][] = [];
  const group = new GroupCommit<number, number>(async (items) => {
    batches.push(items);
    return items.map((n): Settled<number> => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 10 }));
  });
  const results = await Promise.allSettled([1, 2, -3, 4].map((n) => group.submit(n)));
  assert.deepEqual(batches, [[1, 2, -3, 4]]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    [10, 20, 'bad -3', 40],
  );
});

test('a batch that fails as a whole fails every item in it, and the next batch still runs', async () => {
  let calls = 0;
  const group = new GroupCommit<number, number>(async (items) => {
    calls += 1;
    if (calls === 1) throw new Error('commit failed');
    return items.map((n) => ({ ok: true, value: n }));
  });
  const first = await Promise.allSettled([group.submit(1), group.submit(2)]);
  assert.deepEqual(first.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal(await group.submit(3), 3);
});

test('nothing is answered before the batch is durable; the next batch is written meanwhile', async () => {
  const events: string[] = [];
  const syncs: (() => void)[] = [];
  const group = new GroupCommit<number, number>(
    async (items) => {
      events.push(`write ${items.join(',')}`);
      return items.map((n) => ({ ok: true, value: n }));
    },
    () => new Promise<void>((resolve) => syncs.push(resolve)),
  );
  const a = group.submit(1).then(() => events.push('answer 1'));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  const b = group.submit(2).then(() => events.push('answer 2'));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['write 1', 'write 2']);
  syncs.forEach((resolve) => resolve());
  await Promise.all([a, b]);
  assert.deepEqual(events.slice(2).sort(), ['answer 1', 'answer 2']);
});

test('a failed sync fails the batch it was to make durable', async () => {
  const group = new GroupCommit<number, number>(
    async (items) => items.map((n) => ({ ok: true, value: n })),
    async () => {
      throw new Error('fsync failed');
    },
  );
  await assert.rejects(group.submit(1), /fsync failed/);
});
