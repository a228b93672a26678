import type { TransactionQuery } from './types.js';

/**
 * SQL text both backends share. Placeholders differ (`?` in SQLite, `$n` in
 * PostgreSQL), so builders take a function that names the n-th parameter.
 */
export type Placeholder = (n: number) => string;

/** SELECT of an instance's ledger rows with the filters of `query`, newest first. */
export function transactionsQuery(instanceId: number, query: TransactionQuery, p: Placeholder): { sql: string; params: unknown[] } {
  const params: unknown[] = [instanceId];
  const where = [`instance_id = ${p(1)}`];
  const add = (clause: string, value: unknown): void => {
    params.push(value);
    where.push(`${clause} ${p(params.length)}`);
  };
  if (query.posId !== undefined) add('pos_id =', query.posId);
  if (query.paymentId !== undefined) add('payment_id =', query.paymentId);
  if (query.before !== undefined) add('id <', query.before);
  if (query.from !== undefined) add('timestamp >=', query.from);
  if (query.to !== undefined) add('timestamp <', query.to);
  const limit = query.limit !== undefined ? ` LIMIT ${Math.floor(Number(query.limit))}` : '';
  return { sql: `SELECT * FROM transactions WHERE ${where.join(' AND ')} ORDER BY id DESC${limit}`, params };
}

/** WHERE clause of a time range over the ledger, for totals and the revenue chart. */
export function rangeQuery(instanceId: number, from: string | undefined, to: string | undefined, p: Placeholder): { where: string; params: unknown[] } {
  const params: unknown[] = [instanceId];
  const where = [`instance_id = ${p(1)}`];
  if (from !== undefined) {
    params.push(from);
    where.push(`timestamp >= ${p(params.length)}`);
  }
  if (to !== undefined) {
    params.push(to);
    where.push(`timestamp < ${p(params.length)}`);
  }
  return { where: where.join(' AND '), params };
}

/** The tables a catalogue lives in, in the order they are cleared. */
export const CATALOGUE_TABLES = ['config', 'licenses', 'pos_products', 'pos_payment_methods', 'pos', 'products', 'payment_methods'] as const;

/** Totals per POS, product and payment method (append WHERE and GROUP BY). */
export const TOTALS_SELECT =
  'SELECT pos_id, product_id, payment_id, SUM(amount) AS units, SUM(cents) AS cents, COUNT(*) AS n FROM transactions';
export const TOTALS_GROUP = 'GROUP BY pos_id, product_id, payment_id ORDER BY pos_id, product_id, payment_id';

/** Revenue per minute: timestamps are ISO-8601 text, so the first 16 characters are the minute. */
export const REVENUE_SELECT = 'SELECT SUBSTR(timestamp, 1, 16) AS minute, SUM(cents) AS cents FROM transactions';
export const REVENUE_GROUP = 'GROUP BY SUBSTR(timestamp, 1, 16) ORDER BY minute';
