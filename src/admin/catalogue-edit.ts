import { centsToUnits } from '../domain/money.js';
import type { Catalogue, CatalogueChange, PosImport } from '../instances/instance-spec.js';
import type { PaymentMethod, Product } from '../store/types.js';
import { AdminError } from './http-json.js';

/**
 * Pure edits of a catalogue for the admin API: each takes the current
 * catalogue and returns the new one with its audit record, or a refusal.
 * Field validation happened before (like an import); these check what needs
 * the whole catalogue: IDs, references, the deposit product, license limits.
 */

export type Kind = 'products' | 'paymentMethods' | 'pos';

const LIMITS: Record<Kind, { field: 'ProductLimit' | 'PaymentLimit' | 'POSLimit'; what: string }> = {
  products: { field: 'ProductLimit', what: 'products' },
  paymentMethods: { field: 'PaymentLimit', what: 'payment methods' },
  pos: { field: 'POSLimit', what: 'points of sale' },
};

type Item<K extends Kind> = Catalogue[K][number];

/** A product as the admin API shows it: money in currency units. */
export function productJson(p: Product): object {
  return { ID: p.ID, ProductName: p.ProductName, Price: centsToUnits(p.priceCents), Deposit: p.Deposit, CrewBlocked: p.CrewBlocked };
}

export function paymentMethodJson(m: PaymentMethod): object {
  return { ID: m.ID, Payment: m.Payment, color: m.color, crew: m.crew };
}

/** A POS as the admin API shows it: `password` says whether one is set, never what it is. */
export function posJson(p: Catalogue['pos'][number]): object {
  return {
    ID: p.ID,
    PointOfSale: p.PointOfSale,
    enabled: p.enabled,
    special: p.special,
    admin: p.admin,
    password: p.passwordHash !== null,
    products: p.products,
    payment_methods: p.paymentMethods,
  };
}

export function itemJson<K extends Kind>(kind: K, item: Item<K>): object {
  if (kind === 'products') return productJson(item as Product);
  if (kind === 'paymentMethods') return paymentMethodJson(item as PaymentMethod);
  return posJson(item as Catalogue['pos'][number]);
}

const NAMES: Record<Kind, string> = { products: 'product', paymentMethods: 'payment method', pos: 'point of sale' };

/**
 * The next free ID of a kind, for creations without an ID: above every ID of
 * the catalogue and every ID the ledger names (`used`), so a deleted item's
 * sales are never attributed to a new item that took over its ID.
 */
export function nextId(catalogue: Catalogue, kind: Kind, used: ReadonlySet<number> = new Set()): number {
  let max = 0;
  for (const i of catalogue[kind]) max = Math.max(max, i.ID);
  for (const id of used) max = Math.max(max, id);
  return max + 1;
}

/** Adds an item; refuses a taken ID or a used-up license limit. */
export function createItem<K extends Kind>(catalogue: Catalogue, kind: K, item: Item<K>): CatalogueChange {
  if (catalogue[kind].some((i) => i.ID === item.ID)) return refuse(409, 'conflict', `${NAMES[kind]} ${item.ID} exists already`, 'ID');
  const { field, what } = LIMITS[kind];
  const limit = catalogue.license?.[field] ?? 0;
  if (limit > 0 && catalogue[kind].length >= limit) return refuse(400, 'limit_reached', `The license allows at most ${limit} ${what}`, field);
  const list = [...catalogue[kind], item].sort((a, b) => a.ID - b.ID);
  return { catalogue: { ...catalogue, [kind]: list }, audit: { action: `create ${NAMES[kind]} ${item.ID}`, before: null, after: itemJson(kind, item) } };
}

/** Replaces an item with a changed version of itself. */
export function replaceItem<K extends Kind>(catalogue: Catalogue, kind: K, item: Item<K>): CatalogueChange {
  const old = catalogue[kind].find((i) => i.ID === item.ID);
  if (!old) return refuse(404, 'not_found', `No ${NAMES[kind]} ${item.ID}`);
  const list = catalogue[kind].map((i) => (i.ID === item.ID ? item : i));
  return { catalogue: { ...catalogue, [kind]: list }, audit: { action: `update ${NAMES[kind]} ${item.ID}`, before: itemJson(kind, old), after: itemJson(kind, item) } };
}

/** Takes an item away (off sale): products and methods are also unassigned from every POS. */
export function removeItem(catalogue: Catalogue, kind: Kind, id: number): CatalogueChange {
  const old = catalogue[kind].find((i) => i.ID === id);
  if (!old) return refuse(404, 'not_found', `No ${NAMES[kind]} ${id}`);
  if (kind === 'products' && catalogue.config.deposit_product === String(id)) {
    return refuse(409, 'conflict', `Product ${id} is the deposit product; choose another deposit product first`);
  }
  const pos: Catalogue['pos'] = catalogue.pos.map((p) => ({
    ...p,
    products: kind === 'products' ? p.products.filter((x) => x !== id) : p.products,
    paymentMethods: kind === 'paymentMethods' ? p.paymentMethods.filter((x) => x !== id) : p.paymentMethods,
  }));
  const next = { ...catalogue, pos, [kind]: (catalogue[kind] as Item<Kind>[]).filter((i) => i.ID !== id) } as Catalogue;
  return { catalogue: next, audit: { action: `delete ${NAMES[kind]} ${id}`, before: itemJson(kind, old as Item<typeof kind>), after: null } };
}

/** A POS from a validated import-shaped one: an absent password keeps the stored hash. */
export function mergePos(validated: PosImport, stored: Catalogue['pos'][number] | undefined): Catalogue['pos'][number] {
  return { ...validated, passwordHash: validated.passwordHash === undefined ? (stored?.passwordHash ?? null) : validated.passwordHash };
}

/** Replaces the whole config (already validated against the catalogue's products). */
export function replaceConfig(catalogue: Catalogue, config: Record<string, string>): CatalogueChange {
  return { catalogue: { ...catalogue, config }, audit: { action: 'update config', before: catalogue.config, after: config } };
}

function refuse(status: number, error: string, message: string, field?: string): CatalogueChange {
  return { refused: new AdminError(status, error, message, field) };
}
