import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from './helpers/server.js';
import { Terminal } from './helpers/terminal.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

test('the demo instance sells a beer with its deposit', async () => {
  const t = await Terminal.connect(server.url, '/?instance=demo&Content-Type=json');
  const key = 'demo-api-key';
  const pos = await t.request('listpos', { api_key: key });
  assert.equal(pos.result.event, 'listpos');
  const sale = await t.request('payitems', { api_key: key, POSID: '1', PaymentMethod: '1', Products: [{ ID: 1, Amount: 2 }] });
  assert.equal(sale.result.event, 'payitem', JSON.stringify(sale));
  assert.equal(sale.result.parameters?.Total, 13);
  t.close();
});
