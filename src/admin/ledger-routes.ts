import { verifyChain } from '../audit/verify-chain.js';
import { transactionView } from '../commands/shared.js';
import { centsToUnits } from '../domain/money.js';
import type { LedgerRow, TransactionQuery } from '../store/types.js';
import type { AdminContext, AdminRoute } from './context.js';
import { AdminError, sendJson } from './http-json.js';
import { totalsJson } from './totals.js';

function intParam(ctx: AdminContext, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[0-9]{1,15}$/.test(v) || Number(v) < 1 || Number(v) > max) throw new AdminError(400, 'invalid_parameter', `${name} must be a positive whole number`, name);
  return Number(v);
}

/**
 * An ISO-8601 time from the query, normalised to the ledger's UTC form. A
 * time without an offset is UTC, like the ledger (Date.parse would read it in
 * the gateway's own time zone, and a date alone as UTC).
 */
function timeParam(ctx: AdminContext, name: string): string | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === '') return undefined;
  const utc = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? `${v}Z` : v;
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(utc) : NaN;
  if (Number.isNaN(t)) throw new AdminError(400, 'invalid_parameter', `${name} must be an ISO-8601 time such as 2026-07-01T18:00:00Z`, name);
  return new Date(t).toISOString();
}

function ledgerQuery(ctx: AdminContext): TransactionQuery {
  return {
    posId: intParam(ctx, 'pos'),
    paymentId: intParam(ctx, 'method'),
    from: timeParam(ctx, 'from'),
    to: timeParam(ctx, 'to'),
    before: intParam(ctx, 'before'),
    limit: intParam(ctx, 'limit', 100_000) ?? 1000,
  };
}

const CSV_FIELDS = ['ID', 'TicketID', 'Payment_ID', 'PointOfSaleID', 'Product_ID', 'AmountProduct', 'AmountMoney', 'timestamp', 'hash', 'Note'] as const;

/** One RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(rows: LedgerRow[]): string {
  const lines = [CSV_FIELDS.join(',')];
  for (const row of rows) {
    const view = { ...row, AmountMoney: centsToUnits(row.cents) } as Record<string, unknown>;
    lines.push(CSV_FIELDS.map((f) => csvField(view[f])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function ticketId(ctx: AdminContext): number {
  const id = Number(ctx.params[0]);
  if (!Number.isSafeInteger(id) || id < 1) throw new AdminError(404, 'not_found', 'No such ticket');
  return id;
}

/** The journal, tickets, voids, totals and chain verification. Nothing here changes a row. */
export const LEDGER_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    pattern: /^\/transactions$/,
    handle: async (ctx) => sendJson(ctx.res, 200, (await ctx.store.transactions(ctx.instance.id, ledgerQuery(ctx))).map(transactionView)),
  },
  {
    method: 'GET',
    pattern: /^\/transactions\.csv$/,
    handle: async (ctx) => {
      const rows = await ctx.store.transactions(ctx.instance.id, { from: timeParam(ctx, 'from'), to: timeParam(ctx, 'to') });
      rows.reverse(); // oldest first reads naturally in a spreadsheet
      ctx.res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${ctx.instance.slug}-transactions.csv"`,
        'cache-control': 'no-store',
      });
      ctx.res.end(csv(rows));
    },
  },
  {
    method: 'GET',
    pattern: /^\/tickets\/([0-9]{1,10})$/,
    handle: async (ctx) => {
      const ticket = await ctx.store.ticket(ctx.instance.id, ticketId(ctx));
      if (!ticket) throw new AdminError(404, 'not_found', 'No such ticket');
      sendJson(ctx.res, 200, { TicketID: ticket.ticketId, Transactions: ticket.rows.map(transactionView) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/tickets\/([0-9]{1,10})\/void$/,
    handle: async (ctx) => {
      const id = ticketId(ctx);
      const result = await ctx.store.voidTicket(ctx.instance.id, ctx.instance.slug, id, ctx.now().toISOString(), ctx.keyFingerprint);
      if (result.outcome === 'not_found') throw new AdminError(404, 'not_found', `No ticket ${id}`);
      if (result.outcome === 'already_voided') throw new AdminError(409, 'conflict', `Ticket ${id} is voided already`);
      if (result.outcome === 'is_reversal') throw new AdminError(409, 'conflict', `Ticket ${id} is itself a reversal`);
      sendJson(ctx.res, 201, { TicketID: result.ticket.ticketId, Transactions: result.ticket.rows.map(transactionView) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/totals$/,
    handle: async (ctx) => sendJson(ctx.res, 200, await totalsJson(ctx.store, ctx.instance.id, timeParam(ctx, 'from'), timeParam(ctx, 'to'))),
  },
  {
    method: 'GET',
    pattern: /^\/verify$/,
    handle: async (ctx) => {
      const report = await verifyChain(ctx.store, ctx.instance);
      sendJson(ctx.res, 200, report.ok ? { ok: true, rows: report.rows } : { ok: false, first_bad: report.firstBad.ID, reason: report.firstBad.reason });
    },
  },
];
