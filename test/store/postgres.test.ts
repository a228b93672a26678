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
