import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { adminClient, adminInstances, ADMIN_KEYS, expectOk, http, KEYS } from '../helpers/admin.js';
import { expectEvent, sleep, writeInstanceFile } from '../helpers/protocol-fixtures.js';
import { runCli } from '../helpers/server.js';
import { startShards, type RunningShards } from '../helpers/shards.js';
import { Terminal, type Envelope } from '../helpers/terminal.js';

// PROTOCOL.md §6, §8 and §9 across shards: admin changes and broadcasts made
// on one shard, and `concertpos broadcast`, reach the terminals of the right
// instance on every shard, and only those.

const SHARDS = ['exon', 'cyton'];
let cluster: RunningShards;
let fixture: { file: string; remove: () => void };
/** alpha on exon, alpha on cyton, beta on cyton. */
let alphaExon: Terminal;
let alphaCyton: Terminal;
let betaCyton: Terminal;

const url = (shard: string): string => cluster.shards().get(shard)!.url;
const term = (shard: string, slug: string): Promise<Terminal> => Terminal.connect(url(shard), `/${shard}/?instance=${slug}&Content-Type=json`);
const isMessage = (m: string) => (f: Envelope) => f.type === 'broadcast' && f.result.message === m;

before(async () => {
  fixture = writeInstanceFile(adminInstances());
  cluster = await startShards(SHARDS, ['--import', fixture.file]);
  [alphaExon, alphaCyton, betaCyton] = await Promise.all([term('exon', 'alpha'), term('cyton', 'alpha'), term('cyton', 'beta')]);
  for (const [t, key] of [[alphaExon, KEYS.alpha], [alphaCyton, KEYS.alpha], [betaCyton, KEYS.beta]] as const) {
    expectEvent(await t.request('version', { api_key: key }), 'version');
  }
});
after(async () => {
  for (const t of [alphaExon, alphaCyton, betaCyton]) t?.close();
  assert.equal(await cluster.stop(), 0);
  fixture.remove();
});

/** Asserts that no frame of `message` reached `t` (after giving delivery time). */
async function never(t: Terminal, message: string): Promise<void> {
  await sleep(600);
  assert.ok(!t.frames.some(isMessage(message)), `an unexpected "${message}" reached the terminal`);
}

describe('admin API across shards', () => {
  test('a change made on one shard sends updatepos to the instance\'s terminals on every shard, within 1 s', async () => {
    const seen = [alphaExon.frames.length, alphaCyton.frames.length, betaCyton.frames.length];
    expectOk(await adminClient(url('exon'), 'alpha', ADMIN_KEYS.alpha)('PATCH', '/products/2', { Price: 2.2 }));
    await Promise.all([alphaExon.next(isMessage('updatepos'), 1000), alphaCyton.next(isMessage('updatepos'), 1000)]);
    // The other shard already serves the new price.
    const p = expectEvent(await alphaCyton.request('listproducts', { api_key: KEYS.alpha, POSID: 1 }), 'listproducts');
    assert.equal(p.Products.find((x: any) => x.ID === 2).Price, 2.2);
    await sleep(600);
    assert.ok(!betaCyton.frames.slice(seen[2]).some(isMessage('updatepos')), 'beta is not told about alpha\'s change');
  });

  test('POST /broadcast on one shard reaches the instance on every shard', async () => {
    expectOk(await adminClient(url('cyton'), 'alpha', ADMIN_KEYS.alpha)('POST', '/broadcast', { message: 'rain-alert', parameters: { level: 2 } }));
    const frames = await Promise.all([alphaExon.next(isMessage('rain-alert'), 1000), alphaCyton.next(isMessage('rain-alert'), 1000)]);
    for (const f of frames) assert.deepEqual(f.result, { message: 'rain-alert', parameters: { level: 2 } });
    await never(betaCyton, 'rain-alert');
  });

  test('a new POS password set on one shard is checked on the other', async () => {
    expectOk(await adminClient(url('exon'), 'alpha', ADMIN_KEYS.alpha)('PATCH', '/pos/2', { password: 'sued-secret' }));
    await sleep(1000);
    const v = expectEvent(await alphaCyton.request('verifyauth', { api_key: KEYS.alpha, workplace: 2, password: 'sued-secret' }), 'verifyauth');
    assert.equal(v.success, true);
    const listed = await alphaCyton.request('listproducts', { api_key: KEYS.alpha, POSID: 2 });
    assert.equal(listed.result.error, 'invalid_password');
    expectOk(await adminClient(url('cyton'), 'alpha', ADMIN_KEYS.alpha)('PATCH', '/pos/2', { password: null }));
  });

  test('devices show the shard their connection is on', async () => {
    const uuid = randomUUID();
    expectEvent(await alphaCyton.request('registerdevice', { api_key: KEYS.alpha, UUID: uuid, workplace: 1 }), 'registerdevice');
    const devices = expectOk(await adminClient(url('exon'), 'alpha', ADMIN_KEYS.alpha)('GET', '/devices'));
    const d = devices.find((x: any) => x.UUID === uuid);
    assert.ok(d, JSON.stringify(devices));
    assert.equal(d.shard, 'cyton');
    assert.equal(d.online, true);
  });

  test('each shard labels its metrics with its own name', async () => {
    for (const shard of SHARDS) {
      const text = (await http(url(shard), 'GET', '/metrics')).text;
      assert.match(text, new RegExp(`concertpos_connections\\{[^}]*shard="${shard}"`));
      assert.doesNotMatch(text, new RegExp(`shard="${SHARDS.find((s) => s !== shard)}"`));
    }
  });
});

describe('concertpos broadcast', () => {
  test('--instance SLUG reaches that instance\'s terminals on every shard, and only those', async () => {
    const r = await runCli(['broadcast', '--instance', 'alpha', 'happy-hour', '--params', '{"until":"22:00","off":0.5}', ...cluster.storeArgs]);
    assert.equal(r.code, 0, r.stderr);
    const frames = await Promise.all([alphaExon.next(isMessage('happy-hour'), 1000), alphaCyton.next(isMessage('happy-hour'), 1000)]);
    for (const f of frames) assert.deepEqual(f, { type: 'broadcast', result: { message: 'happy-hour', parameters: { until: '22:00', off: 0.5 } } });
    await never(betaCyton, 'happy-hour');
  });

  test('--params defaults to {}', async () => {
    const r = await runCli(['broadcast', '--instance', 'beta', 'soundcheck', ...cluster.storeArgs]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await betaCyton.next(isMessage('soundcheck'), 1000)).result, { message: 'soundcheck', parameters: {} });
    await never(alphaExon, 'soundcheck');
  });

  test('--all reaches every instance on every shard', async () => {
    const r = await runCli(['broadcast', '--all', 'closing-time', '--params', '{"in":15}', ...cluster.storeArgs]);
    assert.equal(r.code, 0, r.stderr);
    const frames = await Promise.all([alphaExon, alphaCyton, betaCyton].map((t) => t.next(isMessage('closing-time'), 1000)));
    for (const f of frames) assert.deepEqual(f.result, { message: 'closing-time', parameters: { in: 15 } });
  });

  test('bad --params, bad usage and an unknown instance fail with a message and send nothing', async () => {
    const cases: [string[], number][] = [
      [['--instance', 'alpha', 'bad-1', '--params', '{nope'], 2],
      [['--instance', 'alpha', 'bad-2', '--params', '[1,2]'], 2],
      [['--instance', 'alpha', 'bad-3', '--params', '"text"'], 2],
      [['--instance', 'alpha', 'bad-4', '--params', 'null'], 2],
      [['--instance', 'alpha', '--all', 'bad-5'], 2],
      [['bad-6'], 2],
      [['--instance', 'alpha'], 2],
      [['--instance', 'alpha', 'bad-7', 'extra'], 2],
      [['--instance', 'nosuch', 'bad-8'], 1],
    ];
    for (const [args, code] of cases) {
      const r = await runCli(['broadcast', ...args, ...cluster.storeArgs]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.trim().length > 0, `${args.join(' ')} explains itself on stderr`);
    }
    await sleep(600);
    for (const t of [alphaExon, alphaCyton, betaCyton]) assert.ok(!t.frames.some((f) => f.type === 'broadcast' && /^bad-/.test(String(f.result.message))));
  });
});
