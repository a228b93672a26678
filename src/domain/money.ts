/**
 * Money is held as integer cents everywhere and only turned into currency
 * units (a JSON number such as 4.5) at the edge, where terminals read it.
 */

const UNITS = /^-?(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$/;

/** Currency units as terminals see them: 450 cents → 4.5. */
export function centsToUnits(cents: number): number {
  return cents / 100;
}

/**
 * Parses a price given in currency units (number or numeric string) with at
 * most two decimals into cents; undefined when it is not such a price.
 */
export function unitsToCents(value: unknown): number | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  if (!UNITS.test(text)) return undefined;
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return negative ? -cents : cents;
}
