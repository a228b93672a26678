import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bookedAmounts, priceSale, saleFingerprint, type SaleRules } from '../../src/domain/sale.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import type { PaymentMethod, Product } from '../../src/store/types.js';

const beer: Product = { ID: 1, ProductName: 'Bier', priceCents: 450, Deposit: true, CrewBlocked: false };
const cola: Product = { ID: 2, ProductName: 'Cola', priceCents: 320, Deposit: false, CrewBlocked: false };
const cocktail: Product = { ID: 3, ProductName: 'Cocktail', priceCents: 890, Deposit: true, CrewBlocked: true };
const pfandBack: Product = { ID: 15, ProductName: 'Pfand zurück', priceCents: -200, Deposit: false, CrewBlocked: false };
const pfand: Product = { ID: 99, ProductName: 'Pfand', priceCents: 200, Deposit: false, CrewBlocked: false };
const cash: PaymentMethod = { ID: 1, Payment: 'Bar', color: 'btn-success', crew: false };
const crew: PaymentMethod = { ID: 3, Payment: 'Crew', color: 'btn-warning', crew: true };

function rules(overrides: Partial<SaleRules> = {}): SaleRules {
  return {
    assigned: new Map([beer, cola, cocktail, pfandBack].map((p) => [p.ID, p])),
    method: cash,
    deposit: pfand,
    unitLimit: 0,
    ...overrides,
  };
}

function fails(fn: () => unknown, error: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.error === error, `expected ${error}`);
}

test('a product with Deposit adds a deposit row with the same Amount', () => {
  const sale = priceSale([{ ID: 1, Amount: 2 }], rules());
  assert.deepEqual(sale.lines, [
    { productId: 1, amount: 2, cents: 900 },
    { productId: 99, amount: 2, cents: 400 },
  ]);
  assert.equal(sale.items, 2, 'Items counts sold units, not deposit rows');
  assert.equal(sale.totalCents, 1300);
});

test('rows keep request order, a product without deposit adds one row, negative prices count', () => {
  const sale = priceSale([{ ID: 2, Amount: 1 }, { ID: 15, Amount: 3 }, { ID: 1, Amount: 1 }], rules());
  assert.deepEqual(sale.lines, [
    { productId: 2, amount: 1, cents: 320 },
    { productId: 15, amount: 3, cents: -600 },
    { productId: 1, amount: 1, cents: 450 },
    { productId: 99, amount: 1, cents: 200 },
  ]);
  assert.equal(sale.items, 5);
  assert.equal(sale.totalCents, 320 - 600 + 450 + 200);
});

test('the same ID twice is merged into one row', () => {
  const sale = priceSale([{ ID: 1, Amount: 1 }, { ID: 2, Amount: 1 }, { ID: 1, Amount: 2 }], rules());
  assert.deepEqual(sale.lines, [
    { productId: 1, amount: 3, cents: 1350 },
    { productId: 99, amount: 3, cents: 600 },
    { productId: 2, amount: 1, cents: 320 },
  ]);
  assert.equal(sale.items, 4);
});

test('Amount 0 is ignored, also for products not at this POS', () => {
  const sale = priceSale([{ ID: 2, Amount: 0 }, { ID: 777, Amount: 0 }, { ID: 2, Amount: 1 }], rules());
  assert.deepEqual(sale.lines, [{ productId: 2, amount: 1, cents: 320 }]);
});

test('no product with Amount > 0 → no_items', () => {
  fails(() => priceSale([], rules()), 'no_items');
  fails(() => priceSale([{ ID: 1, Amount: 0 }, { ID: 2, Amount: 0 }], rules()), 'no_items');
});

test('a product not assigned to the POS → not_found', () => {
  fails(() => priceSale([{ ID: 2, Amount: 1 }, { ID: 4, Amount: 1 }], rules()), 'not_found');
  fails(() => priceSale([{ ID: 99, Amount: 1 }], rules()), 'not_found');
});

test('a deposit product missing from the instance → not_found, not a free deposit', () => {
  fails(() => priceSale([{ ID: 1, Amount: 1 }], rules({ deposit: null })), 'not_found');
  // a product without deposit still sells
  assert.equal(priceSale([{ ID: 2, Amount: 1 }], rules({ deposit: null })).totalCents, 320);
});

test('CrewBlocked product with a crew payment method → crew_blocked; with cash it sells', () => {
  fails(() => priceSale([{ ID: 3, Amount: 1 }], rules({ method: crew })), 'crew_blocked');
  fails(() => priceSale([{ ID: 2, Amount: 1 }, { ID: 3, Amount: 1 }], rules({ method: crew })), 'crew_blocked');
  assert.equal(priceSale([{ ID: 3, Amount: 1 }], rules()).totalCents, 890 + 200);
  assert.equal(priceSale([{ ID: 1, Amount: 1 }], rules({ method: crew })).totalCents, 650);
});

test('more units than ticket_limit → ticket_limit; exactly the limit sells; 0 = no limit', () => {
  assert.equal(priceSale([{ ID: 1, Amount: 3 }, { ID: 2, Amount: 2 }], rules({ unitLimit: 5 })).items, 5);
  fails(() => priceSale([{ ID: 1, Amount: 3 }, { ID: 2, Amount: 3 }], rules({ unitLimit: 5 })), 'ticket_limit');
  fails(() => priceSale([{ ID: 2, Amount: 2 }, { ID: 2, Amount: 4 }], rules({ unitLimit: 5 })), 'ticket_limit');
  // deposit rows are not units of the sale
  assert.equal(priceSale([{ ID: 1, Amount: 5 }], rules({ unitLimit: 5 })).lines.length, 2);
  assert.equal(priceSale([{ ID: 2, Amount: 10_000 }], rules({ unitLimit: 0 })).items, 10_000);
});

test('prices come from the catalogue, never from the request', () => {
  const request = [{ ID: 2, Amount: 1, Price: 0.01 } as unknown as { ID: number; Amount: number }];
  assert.equal(priceSale(request, rules()).totalCents, 320);
});

test('bookedAmounts merges IDs in first-seen order', () => {
  assert.deepEqual([...bookedAmounts([{ ID: 5, Amount: 1 }, { ID: 2, Amount: 0 }, { ID: 3, Amount: 2 }, { ID: 5, Amount: 4 }])], [[5, 5], [3, 2]]);
});

test('saleFingerprint: same sale in any order and split the same; differs by POS, method, products, amounts', () => {
  const a = saleFingerprint(1, 2, [{ ID: 1, Amount: 2 }, { ID: 3, Amount: 1 }]);
  assert.equal(saleFingerprint(1, 2, [{ ID: 3, Amount: 1 }, { ID: 1, Amount: 2 }]), a);
  assert.equal(saleFingerprint(1, 2, [{ ID: 1, Amount: 1 }, { ID: 3, Amount: 1 }, { ID: 1, Amount: 1 }, { ID: 7, Amount: 0 }]), a);
  assert.notEqual(saleFingerprint(2, 2, [{ ID: 1, Amount: 2 }, { ID: 3, Amount: 1 }]), a);
  assert.notEqual(saleFingerprint(1, 1, [{ ID: 1, Amount: 2 }, { ID: 3, Amount: 1 }]), a);
  assert.notEqual(saleFingerprint(1, 2, [{ ID: 1, Amount: 3 }, { ID: 3, Amount: 1 }]), a);
  assert.notEqual(saleFingerprint(1, 2, [{ ID: 1, Amount: 2 }]), a);
  // IDs that could run together in a naive text stay distinct
  assert.notEqual(saleFingerprint(1, 2, [{ ID: 11, Amount: 1 }]), saleFingerprint(1, 2, [{ ID: 1, Amount: 11 }]));
  assert.notEqual(saleFingerprint(1, 12, [{ ID: 1, Amount: 1 }]), saleFingerprint(11, 2, [{ ID: 1, Amount: 1 }]));
});
