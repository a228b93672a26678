import { defineCommand } from './command.js';

/** version: the server's semver. */
export default defineCommand({
  name: 'version',
  parse: () => undefined,
  run: async (_params, ctx) => ({ event: 'version', parameters: { Version: ctx.version } }),
});
