import { configFromJson, InstanceFileError, paymentMethodFromJson, posFromJson, productFromJson } from '../instances/instance-file.js';
import type { Catalogue, CatalogueChange } from '../instances/instance-spec.js';
import type { TotalsRow } from '../store/types.js';
import { createItem, itemJson, mergePos, nextId, removeItem, replaceConfig, replaceItem, type Kind } from './catalogue-edit.js';
import type { AdminContext, AdminRoute } from './context.js';
import { AdminError, asObject, readJson, sendJson } from './http-json.js';

type Item = Catalogue[Kind][number];

/** How a catalogue kind is validated: the same field rules as an instance file. */
const VALIDATE: Record<Kind, (raw: Record<string, unknown>, c: Catalogue) => Promise<Item>> = {
  products: async (raw) => productFromJson(raw, 'request'),
  paymentMethods: async (raw) => paymentMethodFromJson(raw, 'request'),
  pos: async (raw, c) => {
    const validated = await posFromJson(raw, 'request', new Set(c.products.map((p) => p.ID)), new Set(c.paymentMethods.map((m) => m.ID)));
    return mergePos(validated, c.pos.find((p) => p.ID === validated.ID));
  },
};

/**
 * Validation failures of the shared field rules become 400 naming the field:
 * `missing_parameter` when the body lacks it, else `invalid_parameter`.
 */
function refusal(e: unknown, raw: Record<string, unknown>): unknown {
  if (!(e instanceof InstanceFileError)) return e;
  // Config keys are named as in a file (`config.ticket_limit`); a PUT /config body is the config itself.
  const field = e.field?.replace(/^config\./, '') || undefined;
  // `products[2]` is a bad element of a list that is there, not a missing field.
  const missing = field !== undefined && raw[field.split(/[[.]/)[0] as string] === undefined;
  return new AdminError(400, missing ? 'missing_parameter' : 'invalid_parameter', e.message.replace(/^request: :? ?/, ''), field);
}

async function validate(kind: Kind, raw: Record<string, unknown>, catalogue: Catalogue): Promise<Item> {
  try {
    return await VALIDATE[kind](raw, catalogue);
  } catch (e) {
    throw refusal(e, raw);
  }
}

/**
 * References that must hold in every catalogue written: checked inside the
 * store transaction, because another admin may have changed it meanwhile.
 */
function brokenReference(c: Catalogue): string | undefined {
  const products = new Set(c.products.map((p) => p.ID));
  const methods = new Set(c.paymentMethods.map((m) => m.ID));
  for (const p of c.pos) {
    const product = p.products.find((id) => !products.has(id));
    if (product !== undefined) return `point of sale ${p.ID} sells product ${product}, which does not exist`;
    const method = p.paymentMethods.find((id) => !methods.has(id));
    if (method !== undefined) return `point of sale ${p.ID} takes payment method ${method}, which does not exist`;
  }
  if (c.config.deposit_product !== undefined && !products.has(Number(c.config.deposit_product))) return `the deposit product ${c.config.deposit_product} does not exist`;
  return undefined;
}

async function change(ctx: AdminContext, edit: (c: Catalogue) => CatalogueChange): Promise<Catalogue> {
  return ctx.store.updateCatalogue(ctx.instance.id, ctx.keyFingerprint, (current) => {
    const result = edit(current);
    if ('refused' in result) return result;
    const broken = brokenReference(result.catalogue);
    return broken ? { refused: new AdminError(409, 'conflict', broken) } : result;
  });
}

/** Which ID of a ledger row names an item of each kind. */
const LEDGER_ID: Record<Kind, (r: TotalsRow) => number> = { products: (r) => r.productId, paymentMethods: (r) => r.paymentId, pos: (r) => r.posId };

/** Refuses a write whose item changed after it was read (the PATCH reads it again). */
class StaleEdit extends AdminError {
  constructor() {
    super(409, 'conflict', 'The item was changed by someone else at the same time; try again');
  }
}

function idOf(ctx: AdminContext): number {
  const id = Number(ctx.params[0]);
  if (!Number.isSafeInteger(id) || id < 1) throw new AdminError(404, 'not_found', 'No such ID');
  return id;
}

function find(catalogue: Catalogue, kind: Kind, id: number): Item {
  const item = catalogue[kind].find((i) => i.ID === id);
  if (!item) throw new AdminError(404, 'not_found', `No item ${id}`);
  return item;
}

function routesFor(kind: Kind, path: string): AdminRoute[] {
  const list = new RegExp(`^/${path}$`);
  const one = new RegExp(`^/${path}/([0-9]{1,10})$`);
  return [
    {
      method: 'GET',
      pattern: list,
      handle: async (ctx) => sendJson(ctx.res, 200, (await ctx.store.catalogue(ctx.instance.id))[kind].map((i) => itemJson(kind, i as never))),
    },
    {
      method: 'GET',
      pattern: one,
      handle: async (ctx) => sendJson(ctx.res, 200, itemJson(kind, find(await ctx.store.catalogue(ctx.instance.id), kind, idOf(ctx)) as never)),
    },
    {
      method: 'POST',
      pattern: list,
      handle: async (ctx) => {
        const body = asObject(await readJson(ctx.req));
        const current = await ctx.store.catalogue(ctx.instance.id);
        const given = body.ID !== undefined && body.ID !== null;
        const used = given ? new Set<number>() : new Set((await ctx.store.totals(ctx.instance.id, undefined, undefined)).map(LEDGER_ID[kind]));
        const item = await validate(kind, { ...body, ID: given ? body.ID : nextId(current, kind, used) }, current);
        // Without an ID, the next free one is taken inside the transaction: creations at the same time must not collide.
        let id = item.ID;
        const written = await change(ctx, (c) => createItem(c, kind, { ...item, ID: (id = given ? item.ID : nextId(c, kind, used)) }));
        sendJson(ctx.res, 201, itemJson(kind, find(written, kind, id) as never));
      },
    },
    {
      method: 'PATCH',
      pattern: one,
      handle: async (ctx) => {
        const id = idOf(ctx);
        const body = asObject(await readJson(ctx.req));
        if (body.ID !== undefined && body.ID !== id) throw new AdminError(400, 'invalid_parameter', 'ID cannot be changed', 'ID');
        // The item is validated outside the transaction (hashing a password is slow), so the
        // write only goes ahead when the item is still as read; otherwise read it again,
        // or a change made meanwhile (another field, a new password) would be lost.
        for (let attempt = 1; ; attempt++) {
          const current = await ctx.store.catalogue(ctx.instance.id);
          const seen = JSON.stringify(find(current, kind, id));
          // The stored item as JSON, with the body's fields over it; `password` only as sent.
          const { password: _shown, ...stored } = itemJson(kind, find(current, kind, id) as never) as Record<string, unknown>;
          const item = await validate(kind, { ...stored, ...body, ID: id }, current);
          try {
            const written = await change(ctx, (c) => (JSON.stringify(find(c, kind, id)) === seen ? replaceItem(c, kind, item) : { refused: new StaleEdit() }));
            return sendJson(ctx.res, 200, itemJson(kind, find(written, kind, id) as never));
          } catch (e) {
            if (!(e instanceof StaleEdit) || attempt >= 10) throw e;
          }
        }
      },
    },
    {
      method: 'DELETE',
      pattern: one,
      handle: async (ctx) => {
        const id = idOf(ctx);
        const before = find(await ctx.store.catalogue(ctx.instance.id), kind, id);
        await change(ctx, (c) => removeItem(c, kind, id));
        sendJson(ctx.res, 200, itemJson(kind, before as never));
      },
    },
  ];
}

/** Products, payment methods, points of sale and the config. */
export const CATALOGUE_ROUTES: AdminRoute[] = [
  ...routesFor('products', 'products'),
  ...routesFor('paymentMethods', 'payment-methods'),
  ...routesFor('pos', 'pos'),
  { method: 'GET', pattern: /^\/config$/, handle: async (ctx) => sendJson(ctx.res, 200, (await ctx.store.catalogue(ctx.instance.id)).config) },
  {
    method: 'PUT',
    pattern: /^\/config$/,
    handle: async (ctx) => {
      const body = asObject(await readJson(ctx.req));
      const current = await ctx.store.catalogue(ctx.instance.id);
      let config: Record<string, string>;
      try {
        config = configFromJson(body, 'request', new Set(current.products.map((p) => p.ID)));
      } catch (e) {
        throw refusal(e, body);
      }
      sendJson(ctx.res, 200, (await change(ctx, (c) => replaceConfig(c, config))).config);
    },
  },
];
