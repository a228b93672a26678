import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * The checkpointer's thread (see checkpointer.ts): its own connection copies
 * the WAL back into the database file every `intervalMs`, fsyncs included,
 * without taking the write lock, so writers and readers go on meanwhile.
 */
const { file, intervalMs, synchronous } = workerData as { file: string; intervalMs: number; synchronous: string };
const db = new Database(file);
db.pragma('busy_timeout = 1000');
db.pragma(`synchronous = ${synchronous}`);
db.pragma('wal_autocheckpoint = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or closing: the next round (or the writer's backstop) catches up
  }
}, intervalMs);
parentPort?.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
