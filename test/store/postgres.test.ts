import pgClient from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { runStoreTests } from './store-suite.js';

let pg: TestPostgres | undefined;
let url = '';
let n = 0;

runStoreTests({
  name: 'postgres',
  async create() {
    pg ??= await startPostgres();
    url = pg.createDatabase(`suite_${++n}`);
    const store = new PostgresStore({ url });
    await store.migrate();
    return store;
  },
  async reopen() {
    const store = new PostgresStore({ url });
    await store.migrate();
    return store;
  },
  async execute(sql) {
    const client = new pgClient.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  },
  async cleanup() {
    pg?.stop();
    pg = undefined;
  },
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

test('postgres: several processes migrating a fresh database at once agree on one schema', async () => {
  const cluster = await startPostgres();
  try {
    const fresh = cluster.createDatabase('race');
    const stores = Array.from({ length: 4 }, () => new PostgresStore({ url: fresh }));
    await Promise.all(stores.map((s) => s.migrate()));
    const keys = await Promise.all(stores.map((s) => s.signingKey()));
    assert.ok(keys.every((k) => k.equals(keys[0]!)));
    await Promise.all(stores.map((s) => s.close()));
  } finally {
    cluster.stop();
  }
});

test('postgres: a listening connection that is cut is replaced, and close() leaves none behind', async () => {
  const cluster = await startPostgres();
  const url = cluster.createDatabase('listener');
  const store = new PostgresStore({ url });
  const admin = new pgClient.Client({ connectionString: url });
  const listeners = async (): Promise<number[]> =>
    (await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")).rows.map((r: { pid: number }) => r.pid);
  const until = async (what: string, done: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!(await done())) {
      assert.ok(Date.now() < deadline, what);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await store.migrate();
    await admin.connect();
    await store.watchEvents(() => undefined);
    const [first] = await listeners();
    assert.ok(first, 'the store listens');
    // Cut it twice: the second cut hits the replacement, which must be replaced as well.
    for (let cut = 0; cut < 2; cut++) {
      const [pid] = await listeners();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await until('no new listening connection after a cut', async () => {
        const now = await listeners();
        return now.length === 1 && now[0] !== pid;
      });
    }
    await store.close();
    await until('a listening connection outlived close()', async () => (await listeners()).length === 0);
  } finally {
    await admin.end().catch(() => undefined);
    await store.close().catch(() => undefined);
    cluster.stop();
  }
});

test('postgres: a listening connection that goes silent (no error, no answer) is noticed and replaced', async () => {
  const cluster = await startPostgres();
  const url = cluster.createDatabase('listener_silent');
  const store = new PostgresStore({ url });
  const admin = new pgClient.Client({ connectionString: url });
  let stopped: number | undefined;
  try {
    await store.migrate();
    await admin.connect();
    await store.watchEvents(() => undefined);
    const listening = async (): Promise<number[]> =>
      (await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")).rows.map((r: { pid: number }) => r.pid);
    [stopped] = await listening();
    assert.ok(stopped, 'the store listens');
    // A frozen server process keeps its socket open: only the heartbeat can tell.
    process.kill(stopped, 'SIGSTOP');
    const deadline = Date.now() + 20_000;
    while (!(await listening()).some((pid) => pid !== stopped)) {
      assert.ok(Date.now() < deadline, 'the silent listener was never replaced');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (stopped) process.kill(stopped, 'SIGCONT');
    await admin.end().catch(() => undefined);
    await store.close();
    cluster.stop();
  }
});
