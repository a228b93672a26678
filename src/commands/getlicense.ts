import { licenseView } from '../domain/license.js';
import { ProtocolError } from '../protocol/errors.js';
import { defineCommand } from './command.js';
import { catalogueOf } from './shared.js';

/** getlicense: the license named by config license_key. */
export default defineCommand({
  name: 'getlicense',
  parse: () => undefined,
  async run(_params, ctx) {
    const license = (await catalogueOf(ctx)).license;
    if (!license) throw new ProtocolError('getlicense', 'This instance has no valid license (config license_key is missing or unknown)');
    return { event: 'getlicense', parameters: { License: licenseView(license, ctx.now()) } };
  },
});
