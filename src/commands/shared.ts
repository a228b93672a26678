import { centsToUnits } from '../domain/money.js';
import { ProtocolError } from '../protocol/errors.js';
import { has, type Params } from '../protocol/params.js';
import type { CatalogueSnapshot } from '../store/catalogue-snapshot.js';
import type { LedgerRow, PointOfSale, Product } from '../store/types.js';
import type { CommandContext } from './command.js';

/** The instance's catalogue as of this request (no rows are read while it is unchanged). */
export function catalogueOf(ctx: CommandContext): Promise<CatalogueSnapshot> {
  return ctx.store.catalogueSnapshot(ctx.instance.id, ctx.instance.catalogueVersion);
}

/** The POS named by the request, after its password check (steps 9–10). */
export async function accessPos(ctx: CommandContext, catalogue: CatalogueSnapshot, posId: number, posPassword: string | undefined): Promise<PointOfSale> {
  const pos = catalogue.pos(posId);
  if (!pos) throw new ProtocolError('not_found', `Point of sale ${posId} does not exist`, 'POSID');
  await ctx.posGuard.checkAccess(ctx.instance.id, pos, posPassword);
  return pos;
}

/** posPassword as sent: a token or the password; null and absent mean none. */
export function posPasswordOf(params: Params): string | undefined {
  if (!has(params, 'posPassword')) return undefined;
  const value = params.posPassword;
  // A number typed on a keypad is still a password attempt.
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** A ledger row as terminals read it: money in currency units. */
export function transactionView(row: LedgerRow): object {
  return {
    ID: row.ID,
    TicketID: row.TicketID,
    Payment_ID: row.Payment_ID,
    PointOfSaleID: row.PointOfSaleID,
    Product_ID: row.Product_ID,
    AmountProduct: row.AmountProduct,
    AmountMoney: centsToUnits(row.cents),
    timestamp: row.timestamp,
    hash: row.hash,
    Note: row.Note,
  };
}

/** A product as listproducts answers it; `Amount: 0` is what the client counts up from. */
export function productView(p: Product): object {
  return { ID: p.ID, ProductName: p.ProductName, Price: centsToUnits(p.priceCents), Deposit: p.Deposit, CrewBlocked: p.CrewBlocked, Amount: 0 };
}
