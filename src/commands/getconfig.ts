import { defineCommand } from './command.js';
import { catalogueOf } from './shared.js';

// Config keys that hold secrets never leave the store, whatever a file put there.
const SECRET_KEY = /(^|_)(api_key|admin_key|password|secret|token)$/i;

/** getconfig: the instance's key/value config, secrets left out. */
export default defineCommand({
  name: 'getconfig',
  parse: () => undefined,
  async run(_params, ctx) {
    const { config } = await catalogueOf(ctx);
    const visible = Object.fromEntries(Object.entries(config).filter(([key]) => !SECRET_KEY.test(key)));
    return { event: 'getconfig', parameters: { Config: visible } };
  },
});
