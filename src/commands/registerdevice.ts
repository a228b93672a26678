import { ProtocolError, badParameter } from '../protocol/errors.js';
import { has, optionalId, type Params } from '../protocol/params.js';
import { defineCommand } from './command.js';
import { catalogueOf } from './shared.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** registerdevice: records a terminal (and where it works) or refreshes its last ping. */
export default defineCommand({
  name: 'registerdevice',
  parse(params: Params) {
    if (!has(params, 'UUID')) throw badParameter('UUID', 'UUID is required', true);
    const uuid = params.UUID;
    if (typeof uuid !== 'string' || !UUID.test(uuid)) throw badParameter('UUID', 'UUID must be an RFC 4122 UUID such as 6e613e9f-4a3c-41b7-a89b-dd0c70961aa4');
    return { uuid: uuid.toLowerCase(), workplace: optionalId(params, 'workplace') };
  },
  async run({ uuid, workplace }, ctx) {
    const catalogue = await catalogueOf(ctx);
    if (workplace !== undefined && !catalogue.pos(workplace)) {
      throw new ProtocolError('not_found', `Point of sale ${workplace} does not exist`, 'workplace');
    }
    const license = catalogue.license;
    const result = await ctx.store.registerDevice(ctx.instance.id, {
      uuid,
      posId: workplace,
      shard: ctx.config.shard,
      now: ctx.now().toISOString(),
      deviceLimit: license?.DeviceLimit ?? 0,
    });
    if (result.outcome === 'limit_reached') throw new ProtocolError('limit_reached', 'The license allows no more devices', 'UUID');
    ctx.session.deviceUuid = result.uuid;
    return {
      event: 'registerdevice',
      parameters: { UUID: result.uuid, POSID: result.posId, New: result.isNew, LastPing: result.lastPing },
    };
  },
});
