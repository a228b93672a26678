import { defineCommand } from './command.js';
import { catalogueOf } from './shared.js';

/** listpos: every point of sale; `password` says whether one is set, never what it is. */
export default defineCommand({
  name: 'listpos',
  parse: () => undefined,
  async run(_params, ctx) {
    const POS = (await catalogueOf(ctx)).listPos().map((p) => ({
      ID: p.ID,
      PointOfSale: p.PointOfSale,
      enabled: p.enabled,
      special: p.special,
      admin: p.admin,
      password: p.passwordHash !== null,
    }));
    return { event: 'listpos', parameters: { POS } };
  },
});
