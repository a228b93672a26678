import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/server.js';
import { runStoreTests } from './store-suite.js';

let dir: ReturnType<typeof tempDir> | undefined;

runStoreTests({
  name: 'sqlite',
  async create() {
    dir = tempDir('concertpos-store-');
    const store = new SqliteStore({ file: join(dir.path, 'concertpos.db') });
    await store.migrate();
    return store;
  },
  async reopen() {
    const store = new SqliteStore({ file: join(dir!.path, 'concertpos.db') });
    await store.migrate();
    return store;
  },
  async execute(sql) {
    const db = new Database(join(dir!.path, 'concertpos.db'));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  },
  async cleanup() {
    dir?.remove();
  },
});
