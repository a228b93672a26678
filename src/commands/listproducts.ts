import { requireId, type Params } from '../protocol/params.js';
import { defineCommand } from './command.js';
import { accessPos, catalogueOf, posPasswordOf, productView } from './shared.js';

/** listproducts: the products assigned to a POS, each with `Amount: 0`. */
export default defineCommand({
  name: 'listproducts',
  parse: (params: Params) => ({ posId: requireId(params, 'POSID'), posPassword: posPasswordOf(params) }),
  async run({ posId, posPassword }, ctx) {
    const catalogue = await catalogueOf(ctx);
    await accessPos(ctx, catalogue, posId, posPassword);
    const Products = catalogue.productsOfPos(posId).map(productView);
    return { event: 'listproducts', parameters: { POSID: posId, Products } };
  },
});
