import { centsToUnits } from '../domain/money.js';
import { defineCommand } from './command.js';
import { catalogueOf } from './shared.js';

/** getdeposit: the deposit product; nulls and 0 when the instance has none. */
export default defineCommand({
  name: 'getdeposit',
  parse: () => undefined,
  async run(_params, ctx) {
    const deposit = (await catalogueOf(ctx)).depositProduct();
    const Deposit = deposit
      ? { ID: deposit.ID, ProductName: deposit.ProductName, Price: centsToUnits(deposit.priceCents) }
      : { ID: null, ProductName: null, Price: 0 };
    return { event: 'getdeposit', parameters: { Deposit } };
  },
});
