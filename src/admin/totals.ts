import { centsToUnits } from '../domain/money.js';
import type { Store } from '../store/store.js';
import type { TotalsRow } from '../store/types.js';

interface Sum {
  ID: number;
  name: string;
  units: number;
  revenue: number;
  cents: number;
}

function sumBy(rows: TotalsRow[], key: (r: TotalsRow) => number, name: (id: number) => string): Sum[] {
  const sums = new Map<number, Sum>();
  for (const r of rows) {
    const id = key(r);
    const sum = sums.get(id) ?? { ID: id, name: name(id), units: 0, revenue: 0, cents: 0 };
    sum.units += r.units;
    sum.cents += r.cents;
    sums.set(id, sum);
  }
  return [...sums.values()].map((s) => ({ ...s, revenue: centsToUnits(s.cents) })).sort((a, b) => a.ID - b.ID);
}

/**
 * Revenue and units per point of sale, product and payment method, the
 * deposit balance and revenue per minute, for the dashboard and /totals.
 * Deposit balance: deposit units handed out minus units returned (products
 * priced at minus the deposit, e.g. "Pfand zurück").
 */
export async function totalsJson(store: Store, instanceId: number, from: string | undefined, to: string | undefined): Promise<object> {
  const [rows, catalogue, perMinute] = await Promise.all([
    store.totals(instanceId, from, to),
    store.catalogue(instanceId),
    store.revenueByMinute(instanceId, from, to),
  ]);
  const names = (list: { ID: number }[], field: string) => (id: number) =>
    String((list.find((i) => i.ID === id) as Record<string, unknown> | undefined)?.[field] ?? `#${id}`);
  const depositId = Number(catalogue.config.deposit_product);
  const deposit = catalogue.products.find((p) => p.ID === depositId);
  const returnIds = new Set(deposit ? catalogue.products.filter((p) => p.priceCents === -deposit.priceCents && p.priceCents !== 0).map((p) => p.ID) : []);
  const handedOut = rows.filter((r) => r.productId === depositId).reduce((n, r) => n + r.units, 0);
  const returned = rows.filter((r) => returnIds.has(r.productId)).reduce((n, r) => n + r.units, 0);
  const cents = rows.reduce((n, r) => n + r.cents, 0);
  return {
    from: from ?? null,
    to: to ?? null,
    revenue: centsToUnits(cents),
    rows: rows.reduce((n, r) => n + r.rows, 0),
    pos: sumBy(rows, (r) => r.posId, names(catalogue.pos, 'PointOfSale')),
    products: sumBy(rows, (r) => r.productId, names(catalogue.products, 'ProductName')),
    payment_methods: sumBy(rows, (r) => r.paymentId, names(catalogue.paymentMethods, 'Payment')),
    deposit: { product: deposit ? deposit.ID : null, handed_out: handedOut, returned, balance: handedOut - returned },
    per_minute: perMinute.map((p) => ({ minute: p.minute, revenue: centsToUnits(p.cents) })),
  };
}
