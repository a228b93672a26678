import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import type { Terminal } from '../helpers/terminal.js';
import { broadcasts, cli, connect, instanceSpec, nextBroadcast, sleep, writeInstanceFile, type Json } from '../helpers/cli-fixtures.js';

const UPDATEPOS = { type: 'broadcast', result: { message: 'updatepos', parameters: {} } };

const data = tempDir('concertpos-events-');
let server: RunningServer;
let rock1: Terminal;
let rock2: Terminal;
let jazz: Terminal;
let markers = 0;

/** rockfest with a password-protected second POS (passwords are re-hashed on every import). */
function rockfest(): Json {
  const spec = instanceSpec('rockfest');
  spec.pos.push({ ID: 2, PointOfSale: 'Backstage', enabled: true, special: true, admin: false, password: 'secret', products: [1], payment_methods: [1] });
  return spec;
}

async function importSpecs(name: string, specs: Json[]): Promise<void> {
  const r = await cli(['import', writeInstanceFile(data.path, name, specs), '--data', data.path]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
}

/**
 * Publishes a marker broadcast after everything before it and waits until
 * each terminal received it: events are delivered in order, so whatever a
 * terminal had not received before its marker was never sent to it. The
 * marker is written in-process through the store (faster than a CLI run).
 */
async function drain(terminals: Terminal[]): Promise<void> {
  const marker = `marker-${++markers}`;
  const store = new SqliteStore({ file: join(data.path, 'concertpos.db') });
  try {
    await store.publish({ instanceId: null, kind: 'broadcast', message: marker, parameters: {} });
  } finally {
    await store.close();
  }
  for (const t of terminals) await nextBroadcast(t, (f) => f.result.message === marker, 5000);
}

function updatesOf(t: Terminal): number {
  return broadcasts(t).filter((f) => f.result.message === 'updatepos').length;
}

before(async () => {
  await importSpecs('initial.json', [rockfest(), instanceSpec('jazzfest')]);
  server = await startServer(['--data', data.path]);
  rock1 = await connect(server.url, 'rockfest');
  rock2 = await connect(server.url, 'rockfest');
  jazz = await connect(server.url, 'jazzfest');
  // the connections are registered: each answers a request
  for (const [t, key] of [[rock1, 'rockfest-key'], [rock2, 'rockfest-key'], [jazz, 'jazzfest-key']] as const) {
    assert.equal((await t.request('getdeposit', { api_key: key })).type, 'event');
  }
});

after(async () => {
  for (const t of [rock1, rock2, jazz]) t?.close();
  assert.equal(await server.stop(), 0);
  data.remove();
});

describe('updatepos after a concertpos import in another process', () => {
  test('a price change reaches every connection of that instance within 2 s, not another instance', async () => {
    const jazzBefore = updatesOf(jazz);
    const spec = rockfest();
    spec.products[0].Price = 4.8;
    await importSpecs('price.json', [spec]);
    const [a, b] = await Promise.all([nextBroadcast(rock1, () => true, 2000), nextBroadcast(rock2, () => true, 2000)]);
    assert.deepEqual(a, UPDATEPOS);
    assert.deepEqual(b, UPDATEPOS);
    // the new price is what the terminal reads now
    const products = await rock1.request('listproducts', { api_key: 'rockfest-key', POSID: 1 });
    assert.equal(products.result.parameters?.Products.find((p: Json) => p.ID === 1)?.Price, 4.8);
    // negative check: the other instance gets nothing (wait up to 3 s, then drain in order)
    await sleep(3000);
    await drain([jazz, rock1, rock2]);
    assert.equal(updatesOf(jazz), jazzBefore, `jazzfest received updatepos: ${JSON.stringify(broadcasts(jazz))}`);
    assert.equal(updatesOf(rock1), 1, 'exactly one updatepos per change');
  });

  test('a re-import that changes nothing sends no updatepos', async () => {
    const spec = rockfest();
    spec.products[0].Price = 4.8;
    const before = [updatesOf(rock1), updatesOf(jazz)];
    await importSpecs('same.json', [spec, instanceSpec('jazzfest')]);
    await drain([rock1, jazz]);
    assert.deepEqual([updatesOf(rock1), updatesOf(jazz)], before, JSON.stringify(broadcasts(rock1)));
  });

  test('every kind of change a terminal shows sends updatepos', async () => {
    const changes: [string, (s: Json) => void][] = [
      ['product name', (s) => (s.products[1].ProductName = 'Cola Zero')],
      ['payment method colour', (s) => (s.payment_methods[0].color = 'btn-info')],
      ['POS name', (s) => (s.pos[0].PointOfSale = 'Bar Ost')],
      ['assignment', (s) => (s.pos[0].products = [1, 2])],
      ['config value', (s) => (s.config.currency = 'CHF')],
      ['POS password set → cleared', (s) => (s.pos[1].password = null)],
    ];
    const spec = rockfest();
    spec.products[0].Price = 4.8;
    for (const [what, change] of changes) {
      const count = updatesOf(rock1);
      change(spec);
      await importSpecs(`change-${what.replaceAll(' ', '-')}.json`, [spec]);
      await drain([rock1]);
      assert.equal(updatesOf(rock1), count + 1, `${what} sent no updatepos`);
    }
  });

  test('a failed import sends no updatepos', async () => {
    const count = updatesOf(rock1);
    const spec = rockfest();
    spec.products[0].Price = 1.239;
    const r = await cli(['import', writeInstanceFile(data.path, 'bad.json', [spec]), '--data', data.path]);
    assert.equal(r.code, 1);
    await drain([rock1]);
    assert.equal(updatesOf(rock1), count);
  });
});

describe('concertpos broadcast', () => {
  test('--instance SLUG MESSAGE --params JSON reaches that instance only', async () => {
    const r = await cli(['broadcast', '--instance', 'rockfest', 'hello', '--params', '{"a":1}', '--data', data.path]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const expected = { type: 'broadcast', result: { message: 'hello', parameters: { a: 1 } } };
    assert.deepEqual(await nextBroadcast(rock1, (f) => f.result.message === 'hello'), expected);
    assert.deepEqual(await nextBroadcast(rock2, (f) => f.result.message === 'hello'), expected);
    await drain([jazz]);
    assert.equal(broadcasts(jazz).filter((f) => f.result.message === 'hello').length, 0);
  });

  test('--all reaches every instance, parameters default to {}', async () => {
    const r = await cli(['broadcast', '--all', 'doors-open', '--data', data.path]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const expected = { type: 'broadcast', result: { message: 'doors-open', parameters: {} } };
    for (const t of [rock1, rock2, jazz]) assert.deepEqual(await nextBroadcast(t, (f) => f.result.message === 'doors-open'), expected);
  });

  test('the raw frame is the documented envelope', async () => {
    const r = await cli(['broadcast', '--instance', 'jazzfest', 'raw-check', '--params', '{"n":[1,2],"s":"x"}', '--data', data.path]);
    assert.equal(r.code, 0);
    await nextBroadcast(jazz, (f) => f.result.message === 'raw-check');
    const raw = jazz.raw.find((text) => text.includes('raw-check'));
    assert.deepEqual(JSON.parse(raw ?? 'null'), { type: 'broadcast', result: { message: 'raw-check', parameters: { n: [1, 2], s: 'x' } } });
  });

  test('bad usage exits 2', async () => {
    const bad: string[][] = [
      ['broadcast', '--instance', 'rockfest'],
      ['broadcast', 'hello'],
      ['broadcast', '--instance', 'rockfest', '--all', 'hello'],
      ['broadcast', '--all', 'hello', '--params', 'not json'],
      ['broadcast', '--all', 'hello', '--params', '[1]'],
      ['broadcast', '--all', 'hello', '--params', '"text"'],
      ['broadcast', '--all', 'hello', '--bogus'],
    ];
    const results = await Promise.all(bad.map((args) => cli([...args, '--data', data.path])));
    results.forEach((r, i) => assert.equal(r.code, 2, `${bad[i]?.join(' ')}: ${r.stdout}${r.stderr}`));
    // none of them was sent
    await drain([rock1, jazz]);
    assert.equal(broadcasts(rock1).filter((f) => f.result.message === 'hello' || f.result.message === 'world').length, 1, 'only the earlier valid hello');
  });

  test('an unknown instance exits 1', async () => {
    const r = await cli(['broadcast', '--instance', 'nosuchfest', 'hello', '--data', data.path]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /nosuchfest/);
  });
});
