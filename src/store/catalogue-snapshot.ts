import type { Catalogue } from '../instances/instance-spec.js';
import type { License, PaymentMethod, PointOfSale, Product } from './types.js';

/**
 * One instance's catalogue as terminals use it, read at one catalogue version
 * (`instances.catalogue_version`, raised by every catalogue write). Immutable
 * and shared by every request that runs at that version, so a sale or a list
 * reads no rows at all while the catalogue stays as it is.
 */
export class CatalogueSnapshot {
  readonly version: number;
  readonly config: Readonly<Record<string, string>>;
  /** The license named by config `license_key`; null when there is none. */
  readonly license: License | null;
  readonly #pos: ReadonlyMap<number, PointOfSale>;
  readonly #products: ReadonlyMap<number, Product>;
  readonly #productsOfPos: ReadonlyMap<number, readonly Product[]>;
  /** The same by product ID: a sale prices its lines against it without building a Map of its own. */
  readonly #productMapOfPos: ReadonlyMap<number, ReadonlyMap<number, Product>>;
  readonly #methodsOfPos: ReadonlyMap<number, readonly PaymentMethod[]>;

  constructor(version: number, catalogue: Catalogue) {
    this.version = version;
    this.config = freeze({ ...catalogue.config });
    const key = catalogue.config.license_key;
    this.license = key && catalogue.license?.LicenseKey === key ? freeze({ ...catalogue.license }) : null;
    const byId = <T extends { ID: number }>(items: readonly T[]): Map<number, T> => new Map([...items].sort((a, b) => a.ID - b.ID).map((i) => [i.ID, freeze({ ...i })]));
    this.#products = byId(catalogue.products);
    const methods = byId(catalogue.paymentMethods);
    this.#pos = byId(catalogue.pos.map((p) => ({ ID: p.ID, PointOfSale: p.PointOfSale, enabled: p.enabled, special: p.special, admin: p.admin, passwordHash: p.passwordHash })));
    // Assignments to products or methods that do not exist are not listed (as the stores' joins did).
    const assigned = <T extends { ID: number }>(ids: readonly number[], from: ReadonlyMap<number, T>): readonly T[] =>
      Object.freeze([...new Set(ids)].sort((a, b) => a - b).flatMap((id) => from.get(id) ?? []));
    this.#productsOfPos = new Map(catalogue.pos.map((p) => [p.ID, assigned(p.products, this.#products)]));
    this.#methodsOfPos = new Map(catalogue.pos.map((p) => [p.ID, assigned(p.paymentMethods, methods)]));
    this.#productMapOfPos = new Map([...this.#productsOfPos].map(([posId, products]) => [posId, new Map(products.map((p) => [p.ID, p]))]));
  }

  pos(posId: number): PointOfSale | null {
    return this.#pos.get(posId) ?? null;
  }

  /** Every POS, by ID. */
  listPos(): readonly PointOfSale[] {
    return [...this.#pos.values()];
  }

  product(productId: number): Product | null {
    return this.#products.get(productId) ?? null;
  }

  /** Products assigned to the POS, by ID (none for an unknown POS). */
  productsOfPos(posId: number): readonly Product[] {
    return this.#productsOfPos.get(posId) ?? [];
  }

  /** Products assigned to the POS, keyed by product ID (empty for an unknown POS). */
  productMapOfPos(posId: number): ReadonlyMap<number, Product> {
    return this.#productMapOfPos.get(posId) ?? EMPTY;
  }

  /** Payment methods assigned to the POS, by ID (none for an unknown POS). */
  paymentMethodsOfPos(posId: number): readonly PaymentMethod[] {
    return this.#methodsOfPos.get(posId) ?? [];
  }

  /** The product named by config `deposit_product`, or null. */
  depositProduct(): Product | null {
    const id = Number(this.config.deposit_product);
    return Number.isSafeInteger(id) && id > 0 ? this.product(id) : null;
  }
}

/**
 * The newest snapshot of each instance a store has read. A request asks for
 * the version its instance row showed after it arrived; an older snapshot is
 * replaced by one load, shared by every request waiting for it. Versions only
 * grow, so a snapshot at or above the asked version holds every catalogue
 * change committed before the request arrived.
 */
export class SnapshotCache {
  readonly #load: (instanceId: number) => Promise<CatalogueSnapshot>;
  readonly #snapshots = new Map<number, CatalogueSnapshot>();
  readonly #loading = new Map<number, Promise<CatalogueSnapshot>>();

  /** `load` must read the version and the catalogue consistently (one transaction). */
  constructor(load: (instanceId: number) => Promise<CatalogueSnapshot>) {
    this.#load = load;
  }

  async get(instanceId: number, version: number): Promise<CatalogueSnapshot> {
    const known = this.#snapshots.get(instanceId);
    if (known && known.version >= version) return known;
    // A load that began before the asked version was committed is too old: one more, begun after, is not.
    for (let tries = 0; tries < 2; tries++) {
      const loaded = await this.#loadOnce(instanceId);
      if (loaded.version >= version) return loaded;
    }
    throw new Error(`catalogue version ${version} of instance ${instanceId} is not in the store`);
  }

  #loadOnce(instanceId: number): Promise<CatalogueSnapshot> {
    let loading = this.#loading.get(instanceId);
    if (!loading) {
      loading = this.#load(instanceId)
        .then((snapshot) => {
          const known = this.#snapshots.get(instanceId);
          if (!known || snapshot.version > known.version) this.#snapshots.set(instanceId, snapshot);
          return snapshot;
        })
        .finally(() => this.#loading.delete(instanceId));
      this.#loading.set(instanceId, loading);
    }
    return loading;
  }
}

const EMPTY: ReadonlyMap<number, Product> = new Map();

function freeze<T extends object>(value: T): Readonly<T> {
  return Object.freeze(value);
}
