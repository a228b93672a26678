import { requireId, type Params } from '../protocol/params.js';
import { defineCommand } from './command.js';
import { accessPos, posPasswordOf, productView } from './shared.js';

/** listproducts: the products assigned to a POS, each with `Amount: 0`. */
export default defineCommand({
  name: 'listproducts',
  parse: (params: Params) => ({ posId: requireId(params, 'POSID'), posPassword: posPasswordOf(params) }),
  async run({ posId, posPassword }, ctx) {
    await accessPos(ctx, posId, posPassword);
    const Products = (await ctx.store.productsOfPos(ctx.instance.id, posId)).map(productView);
    return { event: 'listproducts', parameters: { POSID: posId, Products } };
  },
});
