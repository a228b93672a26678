import assert from 'node:assert/strict';
import JSON5 from 'json5';
import { after, before, test } from 'node:test';
import { ISO_MS, expectEvent } from '../helpers/protocol-fixtures.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { Terminal, type Envelope } from '../helpers/terminal.js';

// A replay of what the reference client (ConcertPOS client 1.0.3) sends:
// EXACTLY these JSON5 frames, in this order, against the built-in demo
// instance. The client crashes when a listpos ID is a string or getdeposit
// lacks Deposit, and shows NaN when a product lacks Amount or a price is a
// string, so those shapes are asserted on every answer.

const K = 'demo-api-key';
const UUID = '6e613e9f-4a3c-41b7-a89b-dd0c70961aa4';

const ON_CONNECT = [
  `{command:'listpos',parameters:{api_key:'${K}'}}`,
  `{command:'getlicense',parameters:{api_key:'${K}'}}`,
  `{command:'getconfig',parameters:{api_key:'${K}'}}`,
  `{command:'registerdevice',parameters:{api_key:'${K}',UUID:'${UUID}'}}`,
  `{command:'getstatus',parameters:{api_key:'${K}'}}`,
];
const ENTER_BAR_1 = [
  `{command:'listproducts',parameters:{api_key:'${K}',POSID:'1',posPassword:null}}`,
  `{command:'listpm',parameters:{api_key:'${K}',POSID:'1',posPassword:null}}`,
  `{command:'getdeposit',parameters:{api_key:'${K}'}}`,
  `{command:'registerdevice',parameters:{api_key:'${K}',UUID:'${UUID}',workplace:'1'}}`,
];
const PAY =
  `{command:'payitems',parameters:{api_key:'${K}',Products:[{ID:1,ProductName:'Bier 0,5l',Price:4.5,Deposit:true,CrewBlocked:false,Amount:2},` +
  `{ID:2,ProductName:'Wasser',Price:2,Deposit:false,CrewBlocked:true,Amount:0}],PaymentMethod:'1',POSID:1,posPassword:null}}`;
// The demo's password bar is POS 3 ("Backstage", password 1234).
const VERIFY = `{command:'verifyauth',parameters:{api_key:'${K}',password:'1234',workplace:'3'}}`;
const enterBar3 = (token: string): string[] => [
  `{command:'listproducts',parameters:{api_key:'${K}',POSID:'3',posPassword:'${token}'}}`,
  `{command:'listpm',parameters:{api_key:'${K}',POSID:'3',posPassword:'${token}'}}`,
];
const payBar3 = (token: string): string =>
  `{command:'payitems',parameters:{api_key:'${K}',Products:[{ID:1,ProductName:'Bier 0,5 l',Price:4.5,Deposit:true,CrewBlocked:false,Amount:0},` +
  `{ID:4,ProductName:'Brezel',Price:3.2,Deposit:false,CrewBlocked:false,Amount:3}],PaymentMethod:'3',POSID:3,posPassword:'${token}'}}`;

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

async function send(t: Terminal, frame: string): Promise<Envelope> {
  t.sendRaw(frame);
  return t.nextAnswer();
}

function assertProductsShape(products: any[]): void {
  assert.ok(Array.isArray(products) && products.length > 0);
  for (const p of products) {
    assert.equal(typeof p.ID, 'number', JSON.stringify(p));
    assert.equal(typeof p.ProductName, 'string');
    assert.equal(typeof p.Price, 'number', `a string price shows NaN: ${JSON.stringify(p)}`);
    assert.equal(p.Amount, 0, `Amount must be 0 (the client computes Amount + 1): ${JSON.stringify(p)}`);
    assert.equal(typeof p.Deposit, 'boolean');
    assert.equal(typeof p.CrewBlocked, 'boolean');
  }
}

/** Replays one full session; `firstRun` says whether the device is new to the store. */
async function replay(contentType: 'json' | 'json5', firstRun: boolean, expectedTicket: number): Promise<void> {
  const t = await Terminal.connect(server.url, `/?instance=demo&Content-Type=${contentType}`);
  try {
    // on connect
    const pos = expectEvent(await send(t, ON_CONNECT[0] as string), 'listpos');
    assert.deepEqual(pos.POS, [
      { ID: 1, PointOfSale: 'Bar Nord', enabled: true, special: false, admin: false, password: false },
      { ID: 2, PointOfSale: 'Bar Süd', enabled: true, special: false, admin: false, password: false },
      { ID: 3, PointOfSale: 'Backstage', enabled: true, special: true, admin: false, password: true },
    ]);

    const license = expectEvent(await send(t, ON_CONNECT[1] as string), 'getlicense').License;
    assert.equal(license.Active, '1');
    assert.equal(license.LicenseKey, 'DEMO-0001');
    for (const f of ['DeviceLimit', 'TicketLimit', 'ProductLimit', 'PaymentLimit', 'POSLimit']) assert.equal(license[f], '0', f);
    assert.equal(license.Expires, null);

    const config = expectEvent(await send(t, ON_CONNECT[2] as string), 'getconfig').Config;
    assert.equal(config.ticket_limit, '50');
    assert.equal(config.license_key, 'DEMO-0001');
    assert.equal(config.currency, 'EUR');
    assert.ok(!JSON.stringify(config).includes(K));

    const device = expectEvent(await send(t, ON_CONNECT[3] as string), 'registerdevice');
    assert.equal(device.UUID, UUID);
    assert.equal(device.New, firstRun);
    assert.equal(device.POSID, firstRun ? null : 1);
    assert.match(device.LastPing, ISO_MS);

    const status = expectEvent(await send(t, ON_CONNECT[4] as string), 'getstatus');
    assert.deepEqual(status, { status: 'success', message: 'All systems are operational' });

    // entering bar 1
    const products = expectEvent(await send(t, ENTER_BAR_1[0] as string), 'listproducts');
    assert.equal(products.POSID, 1);
    assertProductsShape(products.Products);
    assert.deepEqual(products.Products.map((p: any) => [p.ID, p.Price]), [
      [1, 4.5],
      [2, 2],
      [3, 8.9],
      [4, 3.2],
      [15, -2],
    ]);

    const pm = expectEvent(await send(t, ENTER_BAR_1[1] as string), 'listpm');
    assert.equal(pm.POSID, 1);
    assert.deepEqual(pm.PaymentMethods, [
      { ID: 1, Payment: 'Bar', color: 'btn-success', crew: false },
      { ID: 2, Payment: 'Karte', color: 'btn-primary', crew: false },
      { ID: 3, Payment: 'Crew', color: 'btn-warning', crew: true },
    ]);

    const deposit = expectEvent(await send(t, ENTER_BAR_1[2] as string), 'getdeposit');
    assert.deepEqual(deposit, { Deposit: { ID: 99, ProductName: 'Pfand', Price: 2 } });

    const device2 = expectEvent(await send(t, ENTER_BAR_1[3] as string), 'registerdevice');
    assert.equal(device2.UUID, UUID);
    assert.equal(device2.New, false);
    assert.equal(device2.POSID, 1);

    // paying: 2 × beer (4.5) + 2 × deposit (2) = 13; the Wasser line has Amount 0
    const sale = expectEvent(await send(t, PAY), 'payitem');
    assert.equal(sale.POSID, 1);
    assert.equal(sale.PaymentMethod, 1);
    assert.equal(sale.TicketID, expectedTicket);
    assert.equal(sale.Items, 2);
    assert.equal(sale.Total, 13);
    assert.equal(sale.Duplicate, false);
    assert.deepEqual(sale.Transactions.map((r: any) => [r.Product_ID, r.AmountProduct, r.AmountMoney]), [
      [1, 2, 9],
      [99, 2, 4],
    ]);

    // the password bar
    const auth = expectEvent(await send(t, VERIFY), 'verifyauth');
    assert.equal(auth.success, true);
    assert.equal(typeof auth.password, 'string');
    assert.equal(auth.workplace, 3);
    const token = auth.password as string;
    assert.ok(!token.includes("'"), 'the token can be embedded in a JSON5 single-quoted string');
    const [bar3Products, bar3Pm] = enterBar3(token);
    const p3 = expectEvent(await send(t, bar3Products as string), 'listproducts');
    assertProductsShape(p3.Products);
    assert.deepEqual(p3.Products.map((p: any) => p.ID), [1, 2, 3, 4]);
    const m3 = expectEvent(await send(t, bar3Pm as string), 'listpm');
    assert.deepEqual(m3.PaymentMethods.map((m: any) => m.ID), [1, 3]);
    const sale3 = expectEvent(await send(t, payBar3(token)), 'payitem');
    assert.equal(sale3.POSID, 3);
    assert.equal(sale3.PaymentMethod, 3);
    assert.equal(sale3.TicketID, expectedTicket + 1);
    assert.equal(sale3.Total, 9.6);
    assert.equal(sale3.Items, 3);

    // every frame the gateway wrote parses in the connection's content type
    for (const raw of t.raw) {
      if (contentType === 'json') assert.doesNotThrow(() => JSON.parse(raw), raw);
      else assert.doesNotThrow(() => JSON5.parse(raw), raw);
    }
    assert.ok(t.frames.every((f) => f.type !== 'error'), 'no error answered during the session');
  } finally {
    t.close();
  }
}

test('reference client session over Content-Type=json (a new device)', async () => {
  await replay('json', true, 1);
});

test('reference client session over Content-Type=json5 (the device is known now)', async () => {
  await replay('json5', false, 3);
});
