import { defineCommand } from './command.js';

/** getstatus: a bootstrap alert class (success, warning, danger) and a message. */
export default defineCommand({
  name: 'getstatus',
  parse: () => undefined,
  run: async (_params, ctx) => ({ event: 'getstatus', parameters: await ctx.status.current() }),
});
