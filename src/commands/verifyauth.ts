import { ProtocolError } from '../protocol/errors.js';
import { requireId, type Params } from '../protocol/params.js';
import { badParameter } from '../protocol/errors.js';
import { defineCommand } from './command.js';
import { catalogueOf } from './shared.js';

/** verifyauth: trades a POS password for a signed, expiring token. */
export default defineCommand({
  name: 'verifyauth',
  parse(params: Params) {
    const workplace = requireId(params, 'workplace');
    const password = params.password;
    if (password === undefined || password === null) throw badParameter('password', 'password is required', true);
    if ((typeof password !== 'string' && typeof password !== 'number') || String(password).length > 256) {
      throw badParameter('password', 'password must be a string of at most 256 characters');
    }
    return { workplace, password: String(password) };
  },
  async run({ workplace, password }, ctx) {
    const pos = (await catalogueOf(ctx)).pos(workplace);
    if (!pos) throw new ProtocolError('not_found', `Point of sale ${workplace} does not exist`, 'workplace');
    const { success, token } = await ctx.posGuard.verify(ctx.instance.id, pos, password);
    return { event: 'verifyauth', parameters: { success, password: token, workplace } };
  },
});
