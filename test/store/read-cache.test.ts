import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ReadCache } from '../../src/store/sqlite/read-cache.js';

function twoConnections(): { reader: Database.Database; writer: Database.Database; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'concertpos-cache-'));
  const file = join(dir, 'db');
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')");
  const reader = new Database(file);
  return {
    reader,
    writer,
    remove: () => {
      reader.close();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test("a commit by another connection is seen by the next read; this connection's reads are cached until then", (t) => {
  const { reader, writer, remove } = twoConnections();
  t.after(remove);
  const cache = new ReadCache(reader);
  let loads = 0;
  const read = (): string => cache.get('v', () => (loads++, String((reader.prepare('SELECT v FROM t WHERE id = 1').get() as { v: string }).v)));
  assert.equal(read(), 'a');
  assert.equal(read(), 'a');
  assert.equal(loads, 1);
  writer.prepare("UPDATE t SET v = 'b' WHERE id = 1").run();
  assert.equal(read(), 'b');
  assert.equal(loads, 2);
});

test('in per-request mode a read looks again only after a request arrived', (t) => {
  const { reader, writer, remove } = twoConnections();
  t.after(remove);
  const cache = new ReadCache(reader);
  const read = (): string => cache.get('v', () => String((reader.prepare('SELECT v FROM t WHERE id = 1').get() as { v: string }).v));
  cache.requestArrived();
  assert.equal(read(), 'a');
  writer.prepare("UPDATE t SET v = 'b' WHERE id = 1").run();
  // Same request (no new arrival): it may keep what it saw when it started.
  assert.equal(read(), 'a');
  cache.requestArrived();
  assert.equal(read(), 'b');
});

test('cached values are frozen', (t) => {
  const { reader, remove } = twoConnections();
  t.after(remove);
  const cache = new ReadCache(reader);
  const value = cache.get('list', () => [{ a: 1 }]);
  assert.ok(Object.isFrozen(value) && Object.isFrozen(value[0]));
});
