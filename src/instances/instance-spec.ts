import type { License, PaymentMethod, Product } from '../store/types.js';

/** A point of sale as an instance file describes it. */
export interface PosImport {
  ID: number;
  PointOfSale: string;
  enabled: boolean;
  special: boolean;
  admin: boolean;
  /** Hash of the new password; null clears it; undefined keeps the stored one. */
  passwordHash: string | null | undefined;
  products: number[];
  paymentMethods: number[];
}

/**
 * One validated instance of an instance file, secrets already hashed. An
 * import replaces the instance's catalogue (products, payment methods, points
 * of sale, assignments, config, licenses) with this one; undefined keys keep
 * what is stored.
 */
export interface InstanceImport {
  slug: string;
  name: string;
  apiKeyHash: string | null | undefined;
  adminKeyHash: string | null | undefined;
  config: Record<string, string>;
  license: License | undefined;
  products: Product[];
  paymentMethods: PaymentMethod[];
  pos: PosImport[];
}

/** An instance's catalogue as stored: what the admin API reads and rewrites as a whole. */
export interface Catalogue {
  config: Record<string, string>;
  license: License | undefined;
  products: Product[];
  paymentMethods: PaymentMethod[];
  pos: (PosImport & { passwordHash: string | null })[];
}

/** A catalogue change: the new catalogue and the audit record, or a refusal. */
export type CatalogueChange = { catalogue: Catalogue; audit: { action: string; before: unknown; after: unknown } } | { refused: Error };
