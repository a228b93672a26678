import { requireId, type Params } from '../protocol/params.js';
import { defineCommand } from './command.js';
import { accessPos, catalogueOf, posPasswordOf } from './shared.js';

/** listpm: the payment methods assigned to a POS. */
export default defineCommand({
  name: 'listpm',
  parse: (params: Params) => ({ posId: requireId(params, 'POSID'), posPassword: posPasswordOf(params) }),
  async run({ posId, posPassword }, ctx) {
    const catalogue = await catalogueOf(ctx);
    await accessPos(ctx, catalogue, posId, posPassword);
    const PaymentMethods = catalogue.paymentMethodsOfPos(posId).map((m) => ({
      ID: m.ID,
      Payment: m.Payment,
      color: m.color,
      crew: m.crew,
    }));
    return { event: 'listpm', parameters: { POSID: posId, PaymentMethods } };
  },
});
