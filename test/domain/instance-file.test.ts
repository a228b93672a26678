import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { verifySecret } from '../../src/auth/secrets.js';
import { InstanceFileError, parseInstances, readInstanceFile } from '../../src/instances/instance-file.js';
import { instanceSpec, writeInstanceFile, type Json } from '../helpers/cli-fixtures.js';
import { tempDir } from '../helpers/server.js';

const dir = tempDir('concertpos-file-');
after(() => dir.remove());

/** Expects an InstanceFileError naming the file, the instance and the field. */
async function rejects(instances: Json[], instance: string, field: string | RegExp, name = 'bad.json'): Promise<string> {
  const path = writeInstanceFile(dir.path, name, instances);
  let message = '';
  await assert.rejects(readInstanceFile(path), (e: unknown) => {
    assert.ok(e instanceof InstanceFileError, `InstanceFileError, got ${String(e)}`);
    message = e.message;
    return true;
  });
  assert.ok(message.includes(path), `names the file ${path}: ${message}`);
  assert.ok(message.includes(instance), `names the instance ${instance}: ${message}`);
  if (typeof field === 'string') assert.ok(message.includes(field), `names the field ${field}: ${message}`);
  else assert.match(message, field);
  return message;
}

test('a valid file parses with prices in cents and secrets hashed', async () => {
  const path = writeInstanceFile(dir.path, 'ok.json', [instanceSpec('rockfest'), instanceSpec('jazzfest', { api_key: null, deposit_product: null, config: { ticket_limit: 5, flag: true } })]);
  const [rock, jazz] = await readInstanceFile(path);
  assert.ok(rock && jazz);
  assert.equal(rock.slug, 'rockfest');
  assert.equal(rock.name, 'Festival rockfest');
  assert.deepEqual(
    rock.products.map((p) => [p.ID, p.priceCents, p.Deposit]),
    [[1, 450, true], [2, 320, false], [99, 200, false], [15, -200, false]],
  );
  assert.equal(rock.config.deposit_product, '99');
  assert.equal(rock.config.ticket_limit, '20');
  assert.ok(rock.apiKeyHash && rock.apiKeyHash !== 'rockfest-key');
  assert.equal(await verifySecret('rockfest-key', rock.apiKeyHash), true);
  assert.equal(rock.adminKeyHash, undefined, 'absent admin_key keeps what is stored');
  assert.deepEqual(rock.pos[0]?.products, [1, 2, 15]);
  assert.deepEqual(rock.pos[0]?.paymentMethods, [1, 3]);
  assert.equal(rock.pos[0]?.passwordHash, null);
  assert.equal(rock.license?.LicenseKey, 'ROCKFEST-0001');
  assert.equal(jazz.apiKeyHash, null, 'api_key null: no key');
  assert.equal(jazz.config.ticket_limit, '5', 'numbers are stored as strings');
  assert.equal(jazz.config.flag, 'true', 'booleans are stored as strings');
  assert.equal(jazz.config.deposit_product, undefined);
});

test('JSON5 instance files are accepted', async () => {
  const path = join(dir.path, 'five.json5');
  writeFileSync(path, "{instances: [{slug: 'five', products: [{ID: 1, ProductName: 'Bier', Price: 4.5,},], pos: [{ID: 1, PointOfSale: 'A', products: [1]}]}]}");
  const [five] = await readInstanceFile(path);
  assert.equal(five?.slug, 'five');
  assert.equal(five?.products[0]?.priceCents, 450);
});

test('a price with 3 decimals is rejected naming file, instance and field', async () => {
  const spec = instanceSpec('rockfest');
  spec.products[1].Price = 3.255;
  const msg = await rejects([spec], 'rockfest', 'Price');
  assert.match(msg, /products\[1\]/);
});

test('a price given as a string or not finite is rejected', async () => {
  for (const price of ['4.5', '1e3', null, true]) {
    const spec = instanceSpec('rockfest');
    spec.products[0].Price = price;
    await rejects([spec], 'rockfest', 'Price');
  }
});

test('a duplicate product ID is rejected', async () => {
  const spec = instanceSpec('rockfest');
  spec.products.push({ ID: 2, ProductName: 'Cola again', Price: 3, Deposit: false, CrewBlocked: false });
  const msg = await rejects([spec], 'rockfest', 'products');
  assert.match(msg, /\b2\b/);
});

test('a duplicate payment method or POS ID is rejected', async () => {
  const a = instanceSpec('rockfest');
  a.payment_methods.push({ ID: 1, Payment: 'Karte', color: 'btn-primary', crew: false });
  await rejects([a], 'rockfest', 'payment_methods');
  const b = instanceSpec('rockfest');
  b.pos.push({ ...b.pos[0], PointOfSale: 'Bar Süd' });
  await rejects([b], 'rockfest', 'pos');
});

test('a POS referencing an unknown product is rejected', async () => {
  const spec = instanceSpec('rockfest');
  spec.pos[0].products = [1, 7];
  const msg = await rejects([spec], 'rockfest', 'products');
  assert.match(msg, /pos\[0\]/);
  assert.match(msg, /\b7\b/);
});

test('a POS referencing an unknown payment method is rejected', async () => {
  const spec = instanceSpec('rockfest');
  spec.pos[0].payment_methods = [1, 2];
  await rejects([spec], 'rockfest', 'payment_methods');
});

test('a deposit_product not in products is rejected', async () => {
  const spec = instanceSpec('rockfest', { deposit_product: 98 });
  const msg = await rejects([spec], 'rockfest', 'deposit_product');
  assert.match(msg, /\b98\b/);
  const viaConfig = instanceSpec('rockfest', { deposit_product: undefined, config: { deposit_product: '98' } });
  await rejects([viaConfig], 'rockfest', 'deposit_product');
});

test('a bad slug is rejected naming the file, the offending slug and the field', async () => {
  for (const slug of ['Rock Fest', 'UPPER', '-lead', 'x'.repeat(64), 'a/b']) {
    await rejects([instanceSpec('okfest'), instanceSpec(slug)], slug, 'slug');
  }
});

test('a slug that is not a string is rejected naming the field', async () => {
  const spec = instanceSpec('x');
  spec.slug = 42;
  const path = writeInstanceFile(dir.path, 'num.json', [spec]);
  await assert.rejects(readInstanceFile(path), (e: unknown) => e instanceof InstanceFileError && e.message.includes(path) && e.message.includes('slug'));
});

test('the same slug twice in one file is rejected', async () => {
  await rejects([instanceSpec('twice'), instanceSpec('twice')], 'twice', 'slug');
});

test('other bad fields name file, instance and field', async () => {
  const cases: [Json, string][] = [
    [instanceSpec('f1', { config: { ticket_limit: 'many' } }), 'ticket_limit'],
    [instanceSpec('f2', { config: { nested: { a: 1 } } }), 'nested'],
    [instanceSpec('f3', { products: [{ ID: 0, ProductName: 'Zero', Price: 1 }], pos: [], deposit_product: null }), 'ID'],
    [instanceSpec('f4', { products: [{ ID: 1.5, ProductName: 'Half', Price: 1 }], pos: [], deposit_product: null }), 'ID'],
    [instanceSpec('f5', { products: [{ ID: 1, ProductName: '', Price: 1 }], pos: [], deposit_product: null }), 'ProductName'],
    [instanceSpec('f6', { api_key: 12345 }), 'api_key'],
    [instanceSpec('f7', { products: 'none' }), 'products'],
  ];
  for (const [spec, field] of cases) await rejects([spec], String(spec.slug), field);
  const license = instanceSpec('f8');
  license.license.Created = 'yesterday';
  await rejects([license], 'f8', 'Created');
  const pos = instanceSpec('f9');
  pos.pos[0].enabled = 'yes';
  await rejects([pos], 'f9', 'enabled');
});

test('a file that is not JSON, not an object of instances, or missing names the file', async () => {
  const broken = join(dir.path, 'broken.json');
  writeFileSync(broken, '{instances: [');
  await assert.rejects(readInstanceFile(broken), (e: unknown) => e instanceof InstanceFileError && e.message.includes(broken));
  const wrong = join(dir.path, 'wrong.json');
  writeFileSync(wrong, '{"instance": []}');
  await assert.rejects(readInstanceFile(wrong), (e: unknown) => e instanceof InstanceFileError && e.message.includes(wrong) && e.message.includes('instances'));
  const missing = join(dir.path, 'missing.json');
  await assert.rejects(readInstanceFile(missing), (e: unknown) => e instanceof InstanceFileError && e.message.includes(missing));
});

test('parseInstances names its source', async () => {
  await assert.rejects(parseInstances({ instances: [instanceSpec('src', { deposit_product: 5 })] }, 'built-in demo'), /built-in demo/);
});
