import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli } from '../helpers/server.js';
import { startShards, type RunningShards } from '../helpers/shards.js';
import { Terminal } from '../helpers/terminal.js';

/**
 * The dashboard in a real browser (Debian's Chromium, never a downloaded
 * one) against two shards sharing one store: the page on shard exon, the
 * terminal on shard cyton.
 */

const CHROMIUM = '/usr/bin/chromium';
const API_KEY = 'demo-api-key';
const XSS = '<img src=x onerror=window.__xss=1>';
const WAIT = { timeout: 5000 };

let cluster: RunningShards;
let browser: Browser;
let page: Page;
let terminal: Terminal;
let adminKey: string;
let base: string;
let ticketId: number;
const problems: string[] = [];

/** Reads the admin API directly (not through the page), to check what the page did. */
async function adminGet(path: string): Promise<any> {
  const res = await fetch(`${base}/api/admin/demo${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
  assert.equal(res.status, 200, path);
  return res.json();
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `the browser test needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`);
  cluster = await startShards(['exon', 'cyton']);
  const key = await runCli(['admin-key', '--instance', 'demo', ...cluster.storeArgs]);
  assert.equal(key.code, 0, key.stderr);
  adminKey = key.stdout.trim();
  base = `http://127.0.0.1:${cluster.shards().get('exon')!.port}`;
  terminal = await Terminal.connect(cluster.shards().get('cyton')!.url, '/cyton/?instance=demo&Content-Type=json');
  const device = await terminal.request('registerdevice', { api_key: API_KEY, UUID: '0b7e4c1a-58d2-4f6e-9a31-7c2d9e0f1a2b', workplace: 1 });
  assert.equal(device.result.event, 'registerdevice');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 15_000 });
  const context = await browser.newContext({ viewport: { width: 1180, height: 900 }, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(5000);
  // A CSP violation or a script error shows up here: the page must run clean.
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/admin`);
});

after(async () => {
  terminal?.close();
  await browser?.close();
  if (cluster) assert.equal(await cluster.stop(), 0);
});

test('the page is served with a strict CSP and logs in with slug and admin key', async () => {
  const res = await fetch(`${base}/admin`);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);

  await page.fill('#login-slug', 'demo');
  await page.fill('#login-key', 'not-the-key');
  await page.click('#login button[type=submit]');
  await page.locator('#login-error').getByText('Not authorised').waitFor(WAIT);

  await page.fill('#login-key', adminKey);
  await page.click('#login button[type=submit]');
  await page.locator('#app').waitFor({ state: 'visible', ...WAIT });
  await page.locator('#k-devices').getByText('1', { exact: true }).waitFor(WAIT);
  assert.match(await page.locator('#t-devices').innerText(), /online/);
  assert.equal(await page.inputValue('#login-key'), '', 'the key field is emptied');
});

test('a price and name changed in the page reach a terminal on the other shard', async () => {
  const row = page.locator('#t-c-products tr[data-product="4"]');
  await page.click('nav button[data-tab=catalogue]');
  await row.waitFor(WAIT);

  // An invalid price is refused by the API and the page says why.
  await row.locator('input[name=Price]').fill('abc');
  await row.getByRole('button', { name: 'Save' }).click();
  await page.locator('#notice.error').getByText('invalid_parameter').waitFor(WAIT);
  assert.match(await page.locator('#notice').innerText(), /field Price/);

  const seen = terminal.frames.length;
  await row.locator('input[name=ProductName]').fill(XSS);
  await row.locator('input[name=Price]').fill('3,50');
  await row.getByRole('button', { name: 'Save' }).click();
  await page.locator('#notice:not(.error)').getByText('Product 4 saved').waitFor(WAIT);
  if (process.env.CONCERTPOS_SCREENSHOT) await page.screenshot({ path: process.env.CONCERTPOS_SCREENSHOT.replace(/\.png$/, '-catalogue.png'), fullPage: true });
  await terminal.next((f) => f.type === 'broadcast' && f.result.message === 'updatepos', 3000);
  assert.ok(terminal.frames.length > seen);
  const list = await terminal.request('listproducts', { api_key: API_KEY, POSID: 1 });
  const product = list.result.parameters?.Products.find((p: { ID: number }) => p.ID === 4);
  assert.deepEqual([product.ProductName, product.Price], [XSS, 3.5]);
});

test('a point of sale edited in the page sells what it was given', async () => {
  const card = page.locator('#c-pos [data-pos="2"]');
  await card.locator('input[name=products][value="4"]').check();
  await card.getByRole('button', { name: 'Save' }).click();
  await page.locator('#notice:not(.error)').getByText('Point of sale 2 saved').waitFor(WAIT);
  const list = await terminal.request('listproducts', { api_key: API_KEY, POSID: 2 });
  assert.ok(list.result.parameters?.Products.some((p: { ID: number }) => p.ID === 4), JSON.stringify(list));
});

test('a sale over WebSocket shows up in the totals without a reload', async () => {
  await page.click('nav button[data-tab=overview]');
  await page.locator('#k-revenue').getByText('€0.00').waitFor(WAIT);
  const sale = await terminal.request('payitems', { api_key: API_KEY, POSID: 1, PaymentMethod: 2, Products: [{ ID: 4, Amount: 2 }] });
  assert.equal(sale.result.event, 'payitem', JSON.stringify(sale));
  ticketId = sale.result.parameters?.TicketID;
  await page.locator('#k-revenue').getByText('€7.00').waitFor(WAIT);
  await page.locator('#t-methods').getByText('Karte').waitFor(WAIT);
  await page.locator('#chart rect').first().waitFor(WAIT);

  // The product name is shown as text, never parsed as HTML.
  await page.locator('#t-products').getByText(XSS, { exact: true }).waitFor(WAIT);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => (globalThis as { __xss?: number }).__xss), undefined);

  if (process.env.CONCERTPOS_SCREENSHOT) await page.screenshot({ path: process.env.CONCERTPOS_SCREENSHOT, fullPage: true });
});

test('a ticket is voided from the journal', async () => {
  await page.click('nav button[data-tab=journal]');
  await page.locator('#chain').getByText('Chain intact · 1 row verified').waitFor(WAIT);
  page.once('dialog', (d) => void d.accept());
  await page.click(`button[data-void="${ticketId}"]`);
  await page.locator('#notice').getByText(`Ticket ${ticketId} voided`).waitFor(WAIT);
  await page.locator('#t-journal').getByText(`void of ticket ${ticketId}`).waitFor(WAIT);
  await page.locator('#chain').getByText('Chain intact · 2 rows verified').waitFor(WAIT);
  if (process.env.CONCERTPOS_SCREENSHOT) await page.screenshot({ path: process.env.CONCERTPOS_SCREENSHOT.replace(/\.png$/, '-journal.png'), fullPage: true });
  const reversal = await adminGet(`/tickets/${ticketId + 1}`);
  assert.deepEqual(reversal.Transactions.map((r: { AmountMoney: number; Note: string }) => [r.AmountMoney, r.Note]), [[-7, `void of ticket ${ticketId}`]]);
  const totals = await adminGet('/totals');
  assert.equal(totals.revenue, 0);
});

test('CSV export for a time range downloads the rows the API has', async () => {
  const hour = 3600_000;
  const local = (ms: number) => new Date(ms).toISOString().slice(0, 16); // the page's time zone is UTC
  const download = async (): Promise<string[]> => {
    const [file] = await Promise.all([page.waitForEvent('download', WAIT), page.click('#x-go')]);
    assert.match(file.suggestedFilename(), /^demo-transactions-.*\.csv$/);
    return readFileSync(await file.path(), 'utf8').split('\r\n').filter(Boolean);
  };
  await page.fill('#x-from', local(Date.now() - hour));
  await page.fill('#x-to', local(Date.now() + hour));
  const lines = await download();
  assert.equal(lines[0], 'ID,TicketID,Payment_ID,PointOfSaleID,Product_ID,AmountProduct,AmountMoney,timestamp,hash,Note');
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, new RegExp(`^1,${ticketId},2,1,4,2,7,`));
  assert.match(lines[2]!, new RegExp(`^2,${ticketId + 1},2,1,4,-2,-7,.*,void of ticket ${ticketId}$`));

  await page.fill('#x-from', local(Date.now() - 2 * hour));
  await page.fill('#x-to', local(Date.now() - hour));
  assert.deepEqual(await download(), [lines[0]], 'a range before the sales holds no rows');
});

test('the admin key is nowhere in the page; a reload keeps the session, logging out ends it', async () => {
  assert.ok(!(await page.content()).includes(adminKey));
  assert.ok(!page.url().includes(adminKey));

  await page.reload();
  await page.locator('#k-revenue').getByText('€0.00').waitFor(WAIT);
  await page.click('nav button[data-tab=journal]');
  await page.locator('#t-journal').getByText(`void of ticket ${ticketId}`).waitFor(WAIT);
  assert.ok(!(await page.content()).includes(adminKey));

  await page.click('#logout');
  await page.locator('#login').waitFor({ state: 'visible', ...WAIT });
  assert.equal(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length), 0);
  assert.ok(!(await page.content()).includes('Bar Nord'), 'nothing of the instance is left in the page');
  assert.deepEqual(problems, [], 'no script errors or CSP violations');
});
