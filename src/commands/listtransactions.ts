import { optionalId, requireId, toCount, has, type Params } from '../protocol/params.js';
import { defineCommand } from './command.js';
import { accessPos, catalogueOf, posPasswordOf, transactionView } from './shared.js';

/** listtransactions: a POS's ledger rows, newest first; `Limit` and `Before` page. */
export default defineCommand({
  name: 'listtransactions',
  parse: (params: Params) => ({
    posId: requireId(params, 'POSID'),
    posPassword: posPasswordOf(params),
    limit: has(params, 'Limit') ? toCount(params.Limit, 'Limit', 1) : undefined,
    before: optionalId(params, 'Before'),
  }),
  async run({ posId, posPassword, limit, before }, ctx) {
    await accessPos(ctx, await catalogueOf(ctx), posId, posPassword);
    const rows = await ctx.store.transactions(ctx.instance.id, { posId, limit, before });
    return { event: 'listtransactions', parameters: { POSID: posId, Count: rows.length, Transactions: rows.map(transactionView) } };
  },
});
