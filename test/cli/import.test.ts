import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, tempDir, type RunningServer } from '../helpers/server.js';
import { cli, connect, instanceSpec, ledgerOf, sell, snapshot, writeInstanceFile, type Json } from '../helpers/cli-fixtures.js';

const files = tempDir('concertpos-files-');
after(() => files.remove());

/** Imports with a fresh gateway on `data` reading the terminal view of each slug afterwards. */
async function viewOf(data: string, slugs: string[]): Promise<Record<string, Json | null>> {
  const server = await startServer(['--data', data, '--no-demo']);
  try {
    const out: Record<string, Json | null> = {};
    for (const slug of slugs) out[slug] = await snapshot(server.url, slug, `${slug}-key`);
    return out;
  } finally {
    assert.equal(await server.stop(), 0);
  }
}

function priceOf(view: Json | null, pos: number, product: number): unknown {
  const list = (view?.[`products@${pos}`]?.parameters?.Products ?? []) as Json[];
  return list.find((p) => p.ID === product)?.Price;
}

/** Every bad variant of an otherwise valid rockfest: [what, spec, field named in the message]. */
function badVariants(): [string, Json, string, string][] {
  const price = instanceSpec('rockfest');
  price.products[1].Price = 3.555;
  const dup = instanceSpec('rockfest');
  dup.products.push({ ID: 1, ProductName: 'Bier again', Price: 5, Deposit: false, CrewBlocked: false });
  const pos = instanceSpec('rockfest');
  pos.pos[0].products = [1, 2, 404];
  const deposit = instanceSpec('rockfest', { deposit_product: 98 });
  return [
    ['price with 3 decimals', price, 'rockfest', 'Price'],
    ['duplicate product ID', dup, 'rockfest', 'products'],
    ['POS with an unknown product', pos, 'rockfest', 'products'],
    ['deposit_product not in products', deposit, 'rockfest', 'deposit_product'],
    ['bad slug', instanceSpec('rock fest'), 'instances[', 'slug'],
  ];
}

describe('concertpos import', () => {
  const data = tempDir('concertpos-import-');
  after(() => data.remove());

  test('creates the instances of a file', async () => {
    const file = writeInstanceFile(files.path, 'create.json', [instanceSpec('rockfest'), instanceSpec('jazzfest')]);
    const r = await cli(['import', file, '--data', data.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /created instance rockfest/);
    assert.match(r.stdout, /created instance jazzfest/);
    const view = await viewOf(data.path, ['rockfest', 'jazzfest', 'demo']);
    assert.equal(priceOf(view.rockfest!, 1, 1), 4.5);
    assert.equal(priceOf(view.rockfest!, 1, 2), 3.2);
    assert.equal(priceOf(view.rockfest!, 1, 15), -2);
    assert.deepEqual(view.rockfest?.deposit.parameters, { Deposit: { ID: 99, ProductName: 'Pfand', Price: 2 } });
    assert.equal(view.rockfest?.config.parameters.Config.ticket_limit, '20');
    assert.ok(view.jazzfest);
    assert.equal(view.demo, null, 'no demo instance when the store already has instances');
  });

  test('re-import updates the catalogue', async () => {
    const spec = instanceSpec('rockfest');
    spec.products[1].Price = 3.5;
    spec.products[1].ProductName = 'Cola 0,4 l';
    spec.products.push({ ID: 4, ProductName: 'Brezel', Price: 2.99, Deposit: false, CrewBlocked: false });
    spec.pos[0].products.push(4);
    spec.config.ticket_limit = 30;
    const file = writeInstanceFile(files.path, 'update.json', [spec]);
    const r = await cli(['import', file, '--data', data.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /updated instance rockfest/);
    assert.doesNotMatch(r.stdout, /created/);
    const view = await viewOf(data.path, ['rockfest', 'jazzfest']);
    assert.equal(priceOf(view.rockfest!, 1, 2), 3.5);
    assert.equal(priceOf(view.rockfest!, 1, 4), 2.99);
    assert.equal(view.rockfest?.config.parameters.Config.ticket_limit, '30');
    assert.ok(view.jazzfest, 'an instance missing from the file is left alone');
  });

  test('a bad file exits 1 naming file, instance and field, and changes nothing', async () => {
    const before = await viewOf(data.path, ['rockfest', 'jazzfest', 'newfest']);
    assert.equal(priceOf(before.rockfest!, 1, 2), 3.5);
    const variants = badVariants().map(([what, bad, instance, field]) => {
      // the same file also creates an instance and changes a valid one: nothing of it may land
      const good = instanceSpec('jazzfest');
      good.products[0].Price = 9.99;
      const file = writeInstanceFile(files.path, `bad-${what.replaceAll(' ', '-')}.json`, [good, instanceSpec('newfest'), bad]);
      return { what, instance, field, file, run: cli(['import', file, '--data', data.path]) };
    });
    for (const { what, instance, field, file, run } of variants) {
      const r = await run;
      assert.equal(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
      assert.ok(r.stderr.includes(file), `${what}: names the file: ${r.stderr}`);
      assert.ok(r.stderr.includes(instance), `${what}: names the instance ${instance}: ${r.stderr}`);
      assert.ok(r.stderr.includes(field), `${what}: names the field ${field}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
    }
    assert.deepEqual(await viewOf(data.path, ['rockfest', 'jazzfest', 'newfest']), before);
  });

  test('a bad slug: the message names the offending slug', async () => {
    const file = writeInstanceFile(files.path, 'bad-slug-name.json', [instanceSpec('Rock Fest')]);
    const r = await cli(['import', file, '--data', data.path]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(file) && r.stderr.includes('slug'), r.stderr);
    assert.ok(r.stderr.includes('Rock Fest'), `names the instance by its slug "Rock Fest": ${r.stderr}`);
  });

  test('two files where the second is bad: neither is imported', async () => {
    const before = await viewOf(data.path, ['rockfest', 'jazzfest', 'twofest']);
    const first = instanceSpec('rockfest');
    first.products[0].Price = 7;
    const good = writeInstanceFile(files.path, 'two-good.json', [first, instanceSpec('twofest')]);
    const badSpec = instanceSpec('jazzfest');
    badSpec.products[0].Price = 1.001;
    const bad = writeInstanceFile(files.path, 'two-bad.json', [badSpec]);
    const r = await cli(['import', good, bad, '--data', data.path]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(bad) && r.stderr.includes('jazzfest') && r.stderr.includes('Price'), r.stderr);
    const r2 = await cli(['import', bad, good, '--data', data.path]);
    assert.equal(r2.code, 1, r2.stdout + r2.stderr);
    const afterView = await viewOf(data.path, ['rockfest', 'jazzfest', 'twofest']);
    assert.equal(afterView.twofest, null, 'the instance of the good file was not created');
    assert.deepEqual(afterView, before);
  });

  test('an unreadable file exits 1 naming it', async () => {
    const missing = `${files.path}/does-not-exist.json`;
    const r = await cli(['import', missing, '--data', data.path]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(missing), r.stderr);
  });
});

describe('import never touches transactions', () => {
  const data = tempDir('concertpos-import-tx-');
  let server: RunningServer;
  before(async () => {
    const file = writeInstanceFile(files.path, 'tx.json', [instanceSpec('rockfest')]);
    server = await startServer(['--data', data.path, '--import', file]);
  });
  after(async () => {
    await server.stop();
    data.remove();
  });

  test('sales survive a re-import that reprices and removes products', async () => {
    const t = await connect(server.url, 'rockfest');
    await sell(t, 'rockfest-key', [{ ID: 1, Amount: 2 }, { ID: 2, Amount: 1 }]);
    await sell(t, 'rockfest-key', [{ ID: 15, Amount: 1 }]);
    const rows = await ledgerOf(t, 'rockfest-key');
    assert.equal(rows.length, 4);
    const spec = instanceSpec('rockfest');
    spec.products = spec.products.filter((p: Json) => p.ID !== 2);
    spec.products[0].Price = 5;
    spec.pos[0].products = [1, 15];
    const r = await cli(['import', writeInstanceFile(files.path, 'tx2.json', [spec]), '--data', data.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await ledgerOf(t, 'rockfest-key'), rows);
    const sale = await sell(t, 'rockfest-key', [{ ID: 1, Amount: 1 }]);
    assert.equal(sale.Total, 7);
    assert.equal(sale.Transactions[0].ID, 5);
    assert.equal(sale.TicketID, 3);
    t.close();
    const v = await cli(['verify', '--data', data.path]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });
  test('a key replaced by a re-import: the old key is refused on a connection that used it, the new one works', async () => {
    const t = await connect(server.url, 'rockfest');
    await sell(t, 'rockfest-key', [{ ID: 1, Amount: 1 }]);
    const r = await cli(['import', writeInstanceFile(files.path, 'tx3.json', [instanceSpec('rockfest', { api_key: 'rockfest-key-2' })]), '--data', data.path]);
    assert.equal(r.code, 0, r.stderr);
    const old = await t.request('listpos', { api_key: 'rockfest-key' });
    assert.equal(old.type, 'error');
    assert.equal(old.result?.error, 'api_key_mismatch');
    await sell(t, 'rockfest-key-2', [{ ID: 1, Amount: 1 }]);
    t.close();
  });
});

describe('serve --import', () => {
  test('a bad file stops the start with exit 1 and the message', async () => {
    const data = tempDir('concertpos-serve-bad-');
    try {
      for (const [what, bad, instance, field] of badVariants()) {
        const file = writeInstanceFile(files.path, `serve-bad-${field}.json`, [bad]);
        const r = await cli(['serve', '--port', '0', '--data', data.path, '--import', file], { timeoutMs: 15_000 });
        assert.equal(r.signal, null, `${what}: the gateway started instead of stopping`);
        assert.equal(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
        assert.ok(r.stderr.includes(file) && r.stderr.includes(instance) && r.stderr.includes(field), `${what}: ${r.stderr}`);
        assert.doesNotMatch(r.stdout, /listening on/);
      }
      // and nothing was imported by those attempts
      const good = writeInstanceFile(files.path, 'serve-good.json', [instanceSpec('okfest')]);
      const server = await startServer(['--data', data.path, '--import', good]);
      try {
        assert.equal(await snapshot(server.url, 'rockfest', 'rockfest-key'), null);
        assert.equal(priceOf(await snapshot(server.url, 'okfest', 'okfest-key'), 1, 1), 4.5);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    } finally {
      data.remove();
    }
  });

  test('a good and a bad --import: exit 1, the good one is not imported either', async () => {
    const data = tempDir('concertpos-serve-bad2-');
    try {
      const good = writeInstanceFile(files.path, 'serve-good2.json', [instanceSpec('goodfest')]);
      const badSpec = instanceSpec('badfest', { deposit_product: 77 });
      const bad = writeInstanceFile(files.path, 'serve-bad2.json', [badSpec]);
      const r = await cli(['serve', '--port', '0', '--data', data.path, '--import', good, '--import', bad], { timeoutMs: 15_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const v = await cli(['verify', '--instance', 'goodfest', '--data', data.path]);
      assert.equal(v.code, 1, 'goodfest must not exist');
      assert.match(v.stderr, /no instance/);
    } finally {
      data.remove();
    }
  });
});
