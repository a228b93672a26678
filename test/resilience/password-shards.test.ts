import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ALPHA_LOCK_PASSWORD, KEYS, alphaInstance, expectError, expectEvent, sleep, writeInstanceFile } from '../helpers/protocol-fixtures.js';
import { startShards, type RunningShards } from '../helpers/shards.js';
import { Terminal, type Envelope } from '../helpers/terminal.js';

// PROTOCOL.md §5, password guessing, across two shards sharing one store:
// failures of verifyauth and posPassword on one point of sale are counted in
// the store, so the lockout holds across reconnects and shards; while it
// holds, every attempt — right, wrong, or a token issued before — answers
// invalid_password without being checked or counted; it expires with the window.
// Alpha POS 6, 7 and 8 share ALPHA_LOCK_PASSWORD.

const FAILURES = 3;
const WINDOW_MS = 4000;
const QUERY = '/?instance=alpha&Content-Type=json';

let cluster: RunningShards;
let fixture: { file: string; remove: () => void };
const open: Terminal[] = [];

before(async () => {
  fixture = writeInstanceFile([alphaInstance()]);
  cluster = await startShards(['exon', 'cyton'], ['--import', fixture.file, '--no-rate-limit', '--password-failures', String(FAILURES), '--password-window-ms', String(WINDOW_MS)]);
});
after(async () => {
  for (const t of open) t.close();
  await cluster.stop();
  fixture.remove();
});

async function on(shard: 'exon' | 'cyton'): Promise<Terminal> {
  const t = await Terminal.connect(cluster.shards().get(shard)!.url, QUERY);
  open.push(t);
  return t;
}

const verify = (t: Terminal, password: string, workplace: number): Promise<Envelope> => t.request('verifyauth', { api_key: KEYS.alpha, password, workplace });
const products = (t: Terminal, posPassword: string, POSID: number): Promise<Envelope> => t.request('listproducts', { api_key: KEYS.alpha, POSID, posPassword });

test('failures on two shards and three connections lock the POS everywhere; right, wrong and token attempts get the same answer; it expires', async () => {
  const exon = await on('exon');
  const token = expectEvent(await verify(exon, ALPHA_LOCK_PASSWORD, 6), 'verifyauth').password as string;
  assert.equal(typeof token, 'string');

  const started = Date.now();
  assert.equal(expectEvent(await verify(exon, 'guess-1', 6), 'verifyauth').success, false);
  expectError(await products(exon, 'guess-2', 6), 'invalid_password', 4011);
  exon.close();
  // The third failure arrives over a new connection to the other shard.
  const cyton = await on('cyton');
  assert.equal(expectEvent(await verify(cyton, 'guess-3', 6), 'verifyauth').success, false);
  const lastFailure = Date.now();

  // Locked on both shards, for every kind of attempt, on fresh connections too.
  const exon2 = await on('exon');
  const locked = [
    await verify(exon2, ALPHA_LOCK_PASSWORD, 6),
    await verify(cyton, ALPHA_LOCK_PASSWORD, 6),
    await verify(cyton, 'still-guessing', 6),
    await products(exon2, ALPHA_LOCK_PASSWORD, 6),
    await products(cyton, 'wrong', 6),
    await products(exon2, token, 6),
    await exon2.request('payitems', { api_key: KEYS.alpha, POSID: 6, PaymentMethod: 1, Products: [{ ID: 1, Amount: 1 }], posPassword: ALPHA_LOCK_PASSWORD }),
  ];
  assert.ok(Date.now() - started < WINDOW_MS, 'the checks ran inside the window (a slow machine would make this test meaningless)');
  for (const answer of locked) expectError(answer, 'invalid_password', 4011);
  // The right password gets exactly the answer a wrong one gets: it was not checked.
  assert.deepEqual(locked[0], { ...locked[2] });
  assert.deepEqual(locked[1], locked[2]);
  assert.deepEqual({ ...locked[3]!.result }, { ...locked[4]!.result });
  assert.deepEqual({ ...locked[5]!.result }, { ...locked[4]!.result });
  // Other points of sale with the same password are not locked.
  assert.equal(expectEvent(await verify(cyton, ALPHA_LOCK_PASSWORD, 8), 'verifyauth').success, true);

  // Expiry: once the window since the last counted failure has passed, the
  // right password and the old token open the POS again at once — the
  // attempts made during the lockout were not counted.
  await sleep(Math.max(0, lastFailure + WINDOW_MS + 300 - Date.now()));
  const v = expectEvent(await verify(cyton, ALPHA_LOCK_PASSWORD, 6), 'verifyauth');
  assert.equal(v.success, true);
  expectEvent(await products(exon2, v.password as string, 6), 'listproducts');
  expectEvent(await products(exon2, token, 6), 'listproducts');
  expectEvent(await products(cyton, ALPHA_LOCK_PASSWORD, 6), 'listproducts');
});

test('a burst of wrong passwords from many connections on both shards at once: at most FAILURES + 1 are checked', async () => {
  const conns = await Promise.all(Array.from({ length: 10 }, (_, i) => on(i % 2 === 0 ? 'exon' : 'cyton')));
  // Four guesses pipelined on each of ten connections: 40 guesses in flight together.
  const answers = await Promise.all(
    conns.map(async (t, i) => {
      for (let k = 0; k < 4; k++) t.sendRaw(JSON.stringify({ command: 'verifyauth', parameters: { api_key: KEYS.alpha, workplace: 7, password: `burst-${i}-${k}` } }));
      const out: Envelope[] = [];
      for (let k = 0; k < 4; k++) out.push(await t.nextAnswer());
      return out;
    }),
  );
  const all = answers.flat();
  const checked = all.filter((a) => a.type === 'event');
  for (const a of checked) assert.equal(a.result.parameters?.success, false);
  for (const a of all.filter((x) => x.type === 'error')) expectError(a, 'invalid_password', 4011);
  // Each shard checks the passwords of one POS one at a time, so at most one
  // guess per shard can be under way when the FAILURES-th failure is recorded:
  // FAILURES + (shards - 1) checked at most. (Unserialised, 12 of 40 were.)
  assert.ok(checked.length <= FAILURES + 1, `${checked.length} of ${all.length} guesses were checked (at most ${FAILURES + 1} allowed)`);
  assert.ok(checked.length >= FAILURES, `${checked.length} guesses were checked`);
});
