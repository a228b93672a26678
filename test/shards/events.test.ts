import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/server.js';
import { startShards, type RunningShards } from '../helpers/shards.js';
import { Terminal } from '../helpers/terminal.js';

const SHARDS = ['exon', 'cyton', 'zeus'];
const QUERY = '/?instance=demo&Content-Type=json';
let cluster: RunningShards;
let terminals: Terminal[] = [];

before(async () => {
  cluster = await startShards(SHARDS);
  terminals = await Promise.all(SHARDS.map((name) => Terminal.connect(cluster.shards().get(name)!.url, `/${name}${QUERY}`)));
  // Every shard answers for the same instance out of the same store.
  for (const t of terminals) assert.equal((await t.request('version', { api_key: 'demo-api-key' })).result.event, 'version');
});

after(async () => {
  terminals.forEach((t) => t.close());
  assert.equal(await cluster.stop(), 0, 'the supervisor exits cleanly on SIGTERM');
});

const isBroadcast = (message: string) => (f: { type: string; result: { message?: string } }) => f.type === 'broadcast' && f.result.message === message;

test('an operator broadcast reaches a connection on every shard within 1 s', async () => {
  const result = await runCli(['broadcast', '--instance', 'demo', 'doors-open', '--params', '{"gate":3}', ...cluster.storeArgs]);
  assert.equal(result.code, 0, result.stderr);
  const frames = await Promise.all(terminals.map((t) => t.next(isBroadcast('doors-open'), 1000)));
  for (const f of frames) assert.deepEqual(f, { type: 'broadcast', result: { message: 'doors-open', parameters: { gate: 3 } } });
});

test('a sale on one shard is visible on the others, with one ledger', async () => {
  const [a, b] = terminals as [Terminal, Terminal];
  const sale = await a.request('payitems', { api_key: 'demo-api-key', POSID: 1, PaymentMethod: 1, Products: [{ ID: 4, Amount: 1 }] });
  assert.equal(sale.result.event, 'payitem');
  const list = await b.request('listtransactions', { api_key: 'demo-api-key', POSID: 1, Limit: 1 });
  assert.equal(list.result.parameters?.Transactions[0].ID, sale.result.parameters?.Transactions[0].ID);
});

test('the shard name in the URL path is checked', async () => {
  const url = cluster.shards().get('exon')!.url;
  await assert.rejects(Terminal.connect(url, `/nonesuch${QUERY}`), /404/);
  const other = await Terminal.connect(url, `/zeus${QUERY}`);
  other.close();
});
