import { isLicenseActive } from '../domain/license.js';
import { centsToUnits } from '../domain/money.js';
import { priceSale, saleFingerprint, type RequestedLine } from '../domain/sale.js';
import { ProtocolError, badParameter } from '../protocol/errors.js';
import { has, requireId, toCount, type Params } from '../protocol/params.js';
import type { CatalogueSnapshot } from '../store/catalogue-snapshot.js';
import type { AppendResult, BookedTicket } from '../store/types.js';
import { defineCommand, type Answer, type CommandContext } from './command.js';
import { accessPos, posPasswordOf, transactionView } from './shared.js';

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_AMOUNT = 10_000;

function parseProducts(value: unknown): RequestedLine[] {
  if (value === undefined || value === null) throw badParameter('Products', 'Products is required', true);
  if (!Array.isArray(value)) throw badParameter('Products', 'Products must be an array of {ID, Amount}');
  return value.map((item: unknown, i) => {
    const where = `Products[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badParameter(where, `${where} must be an object {ID, Amount}`);
    const line = item as Params;
    if (!has(line, 'ID')) throw badParameter(`${where}.ID`, `${where}.ID is required`, true);
    if (!has(line, 'Amount')) throw badParameter(`${where}.Amount`, `${where}.Amount is required`, true);
    return { ID: toCount(line.ID, `${where}.ID`, 1), Amount: toCount(line.Amount, `${where}.Amount`, 0, MAX_AMOUNT) };
  });
}

/** The payitem event (singular: the reference client listens for that name). */
function answer(ticket: BookedTicket, duplicate: boolean): Answer {
  return {
    event: 'payitem',
    parameters: {
      POSID: ticket.posId,
      PaymentMethod: ticket.paymentId,
      TicketID: ticket.ticketId,
      Items: ticket.items,
      Total: centsToUnits(ticket.rows.reduce((sum, r) => sum + r.cents, 0)),
      Transactions: ticket.rows.map(transactionView),
      Duplicate: duplicate,
    },
  };
}

/** Pricings of one sale before it fails because the catalogue keeps changing under it. */
const MAX_ATTEMPTS = 5;

type SaleRequest = { posId: number; paymentId: number; products: RequestedLine[]; requestId: string | null; posPassword: string | undefined };

/**
 * Checks, prices and appends the sale at one catalogue version. The store
 * refuses the append (`catalogue_changed`) if the catalogue changed after it
 * was priced, so no sale is booked at a price, assignment or password that
 * was no longer current when it committed.
 */
async function book(sale: SaleRequest, ctx: CommandContext, catalogue: CatalogueSnapshot): Promise<AppendResult> {
  const { posId, paymentId, products, requestId, posPassword } = sale;
  const instanceId = ctx.instance.id;
  await accessPos(ctx, catalogue, posId, posPassword);
  const fingerprint = saleFingerprint(posId, paymentId, products);
  // A retried sale is answered as booked even if the catalogue changed since.
  if (requestId !== null) {
    const seen = await ctx.store.findRequest(instanceId, requestId, fingerprint);
    if (seen.outcome !== 'none') return seen;
  }
  const method = catalogue.paymentMethodsOfPos(posId).find((m) => m.ID === paymentId);
  if (!method) throw new ProtocolError('not_found', `Payment method ${paymentId} is not available at this point of sale`, 'PaymentMethod');
  const priced = priceSale(products, {
    assigned: catalogue.productMapOfPos(posId),
    method,
    deposit: catalogue.depositProduct(),
    unitLimit: Number(catalogue.config.ticket_limit ?? 0) || 0,
  });
  const now = ctx.now();
  const license = catalogue.license;
  if (!license || !isLicenseActive(license, now)) throw new ProtocolError('license_inactive', 'The license of this instance is missing, inactive or expired');
  return ctx.store.appendTicket(
    instanceId,
    ctx.instance.slug,
    { posId, paymentId, lines: priced.lines, note: null, items: priced.items, requestId, fingerprint, ticketLimit: license.TicketLimit, catalogueVersion: catalogue.version },
    now.toISOString(),
  );
}

/** payitems: books one sale as one ticket (PROTOCOL.md §4 "payitems"). */
export default defineCommand({
  name: 'payitems',
  parse(params: Params): SaleRequest {
    const requestId = params.RequestID;
    if (has(params, 'RequestID') && (typeof requestId !== 'string' || !REQUEST_ID.test(requestId))) {
      throw badParameter('RequestID', 'RequestID must be 1-64 characters of A-Z, a-z, 0-9, "_" and "-"');
    }
    return {
      posId: requireId(params, 'POSID'),
      paymentId: requireId(params, 'PaymentMethod'),
      products: parseProducts(params.Products),
      requestId: has(params, 'RequestID') ? (requestId as string) : null,
      posPassword: posPasswordOf(params),
    };
  },
  async run(sale, ctx) {
    let version = ctx.instance.catalogueVersion;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const result = await book(sale, ctx, await ctx.store.catalogueSnapshot(ctx.instance.id, version));
      switch (result.outcome) {
        case 'booked':
          return answer(result.ticket, false);
        case 'duplicate':
          return answer(result.ticket, true);
        case 'conflict':
          throw new ProtocolError('idempotency_conflict', `RequestID ${sale.requestId} was already used for a different sale`, 'RequestID');
        case 'limit_reached':
          throw new ProtocolError('limit_reached', 'The license allows no more tickets');
        case 'catalogue_changed':
          // Changed between pricing and commit: check and price again at the new version.
          version = result.version;
      }
    }
    throw new Error(`payitems: the catalogue changed under the sale ${MAX_ATTEMPTS} times`);
  },
});
