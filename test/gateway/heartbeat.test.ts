import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heartbeat } from '../../src/gateway/heartbeat.js';

/** A heartbeat whose beats are counted per member; its own timer is stopped, the test ticks it. */
function counted(intervalMs: number): { heartbeat: Heartbeat<string>; beats: Map<string, number>; sizes: number[] } {
  const beats = new Map<string, number>();
  const sizes: number[] = [];
  const heartbeat = new Heartbeat<string>(intervalMs, (due) => {
    sizes.push(due.size);
    for (const member of due) beats.set(member, (beats.get(member) ?? 0) + 1);
  });
  heartbeat.stop();
  return { heartbeat, beats, sizes };
}

test('over one interval every member is beaten exactly once, in slices of about the same size', () => {
  const { heartbeat, beats, sizes } = counted(30_000); // 300 slices of 100 ms
  const members = Array.from({ length: 2000 }, (_, i) => `conn-${i}`);
  for (const m of members) heartbeat.add(m);
  for (let i = 0; i < 300; i++) heartbeat.tick();
  assert.equal(beats.size, 2000);
  assert.ok([...beats.values()].every((n) => n === 1), 'each member once');
  assert.equal(sizes.length, 300);
  assert.ok(Math.max(...sizes) <= 7, `no slice holds more than its share (largest ${Math.max(...sizes)})`);
  for (let i = 0; i < 300; i++) heartbeat.tick();
  assert.ok([...beats.values()].every((n) => n === 2), 'and once more in the next interval');
});

test('a deleted member is not beaten again; the others still are', () => {
  const { heartbeat, beats } = counted(1000); // 10 slices
  const slices = new Map(['a', 'b', 'c'].map((m) => [m, heartbeat.add(m)]));
  heartbeat.delete('b', slices.get('b') as number);
  for (let i = 0; i < 10; i++) heartbeat.tick();
  assert.deepEqual(Object.fromEntries(beats), { a: 1, c: 1 });
});

test('an interval shorter than a slice is one slice: every member at every beat', () => {
  const { heartbeat, beats, sizes } = counted(50);
  heartbeat.add('a');
  heartbeat.add('b');
  heartbeat.tick();
  heartbeat.tick();
  assert.deepEqual(sizes, [2, 2]);
  assert.deepEqual(Object.fromEntries(beats), { a: 2, b: 2 });
});

test('a long interval is cut into 600 slices at most', () => {
  const { heartbeat, beats, sizes } = counted(3_600_000);
  for (let i = 0; i < 1200; i++) heartbeat.add(`conn-${i}`);
  for (let i = 0; i < 600; i++) heartbeat.tick();
  assert.ok(sizes.every((n) => n === 2), 'two members in each of the 600 slices');
  assert.equal(beats.size, 1200);
  assert.ok([...beats.values()].every((n) => n === 1));
});
