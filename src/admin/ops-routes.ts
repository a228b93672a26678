import type { AdminContext, AdminRoute } from './context.js';
import { AdminError, asObject, readJson, sendJson } from './http-json.js';

/** A device counts as online while its gateway has touched it within this many ping intervals. */
const ONLINE_PINGS = 2.5;

/** Devices, operator broadcasts and the audit log. */
export const OPS_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    pattern: /^\/devices$/,
    handle: async (ctx: AdminContext) => {
      const cutoff = ctx.now().getTime() - ONLINE_PINGS * ctx.config.pingIntervalMs;
      const devices = await ctx.store.devices(ctx.instance.id);
      sendJson(
        ctx.res,
        200,
        devices.map((d) => ({ UUID: d.uuid, POSID: d.posId, LastPing: d.lastPing, LastSeen: d.lastSeen, online: Date.parse(d.lastSeen) >= cutoff, shard: d.shard })),
      );
    },
  },
  {
    method: 'POST',
    pattern: /^\/broadcast$/,
    handle: async (ctx) => {
      const body = asObject(await readJson(ctx.req));
      const { message, parameters = {} } = body;
      if (message === undefined) throw new AdminError(400, 'missing_parameter', 'message is required', 'message');
      if (typeof message !== 'string' || message.length < 1 || message.length > 200) {
        throw new AdminError(400, 'invalid_parameter', 'message must be a string of 1-200 characters', 'message');
      }
      if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
        throw new AdminError(400, 'invalid_parameter', 'parameters must be an object', 'parameters');
      }
      const kind = message === 'updatepos' ? 'updatepos' : 'broadcast';
      await ctx.store.publish({ instanceId: ctx.instance.id, kind, message, parameters: parameters as Record<string, unknown> });
      sendJson(ctx.res, 200, { message, parameters });
    },
  },
  {
    method: 'GET',
    pattern: /^\/audit$/,
    handle: async (ctx) => sendJson(ctx.res, 200, await ctx.store.audit(ctx.instance.id, 500)),
  },
];
