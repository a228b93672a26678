import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { WalSync } from '../../src/store/sqlite/wal-sync.js';

test('many commits waiting at once all become durable, and later ones too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'concertpos-walsync-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'db-wal');
  writeFileSync(file, 'x');
  const wal = new WalSync(file);
  t.after(() => wal.close());
  await Promise.all(Array.from({ length: 50 }, () => wal.durable()));
  await wal.durable();
});

test('a missing WAL file fails the write instead of answering it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'concertpos-walsync-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const wal = new WalSync(join(dir, 'nothing-wal'));
  await assert.rejects(wal.durable());
});

test('flushed() waits for the syncs of commits already announced, and syncs nothing when there are none', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'concertpos-walsync-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The WAL file is missing, so any sync would fail: flushed() resolving proves it did not sync.
  const wal = new WalSync(join(dir, 'nothing-wal'));
  await wal.flushed();
  // With a commit announced, a reader waits for its sync (and here shares its failure).
  const write = wal.durable();
  await assert.rejects(wal.flushed());
  await assert.rejects(write);
});

test('a database path that is a symlink: the WAL beside the real file is the one synced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'concertpos-walsync-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'real'));
  mkdirSync(join(dir, 'link'));
  writeFileSync(join(dir, 'real', 'concertpos.db'), '');
  symlinkSync(join(dir, 'real', 'concertpos.db'), join(dir, 'link', 'concertpos.db'));
  const store = new SqliteStore({ file: join(dir, 'link', 'concertpos.db') });
  t.after(() => store.close());
  await store.migrate(); // waits for a WAL sync: with the wrong path it failed (ENOENT)
  await store.ping();
});

test('after a failed fsync nothing is called durable again; check() says so', async (t) => {
  // fsync of /dev/null fails (EINVAL), as a dying disk's would (EIO); opening it works.
  const wal = new WalSync('/dev/null');
  t.after(() => wal.close());
  assert.doesNotThrow(() => wal.check());
  await assert.rejects(wal.durable(), /fsync of \/dev\/null failed/);
  assert.throws(() => wal.check(), /fsync of \/dev\/null failed/);
  await assert.rejects(wal.flushed(), /fsync/);
  await assert.rejects(wal.durable(), /fsync/);
});
