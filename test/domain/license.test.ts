import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLicenseActive, licenseView } from '../../src/domain/license.js';
import type { License } from '../../src/store/types.js';

const license: License = {
  LicenseKey: 'RF-2026-0001',
  Name: 'Rockfest GmbH',
  Type: 'festival',
  enabled: true,
  DeviceLimit: 5,
  TicketLimit: 0,
  ProductLimit: 12,
  PaymentLimit: 3,
  POSLimit: 0,
  Created: '2026-01-01T00:00:00.000Z',
  Expires: '2026-12-31T00:00:00.000Z',
};

test('active only when enabled and now lies within Created..Expires', () => {
  assert.equal(isLicenseActive(license, new Date('2026-06-01T00:00:00Z')), true);
  assert.equal(isLicenseActive(license, new Date('2026-01-01T00:00:00.000Z')), true, 'Created itself is within');
  assert.equal(isLicenseActive(license, new Date('2025-12-31T23:59:59.999Z')), false, 'before Created');
  assert.equal(isLicenseActive(license, new Date('2026-12-31T00:00:00.001Z')), false, 'after Expires');
  assert.equal(isLicenseActive({ ...license, enabled: false }, new Date('2026-06-01T00:00:00Z')), false, 'disabled');
  assert.equal(isLicenseActive({ ...license, Expires: null }, new Date('2099-01-01T00:00:00Z')), true, 'no expiry');
  assert.equal(isLicenseActive({ ...license, Expires: null }, new Date('2020-01-01T00:00:00Z')), false, 'no expiry, not yet created');
});

test('licenseView: limits and Active as strings, dates ISO or null', () => {
  const view = licenseView(license, new Date('2026-06-01T00:00:00Z'));
  assert.deepEqual(view, {
    LicenseKey: 'RF-2026-0001',
    Name: 'Rockfest GmbH',
    Type: 'festival',
    Active: '1',
    DeviceLimit: '5',
    TicketLimit: '0',
    ProductLimit: '12',
    PaymentLimit: '3',
    POSLimit: '0',
    Created: '2026-01-01T00:00:00.000Z',
    Expires: '2026-12-31T00:00:00.000Z',
  });
  assert.equal(licenseView(license, new Date('2027-06-01T00:00:00Z')).Active, '0');
  assert.equal(licenseView({ ...license, enabled: false }, new Date('2026-06-01T00:00:00Z')).Active, '0');
  assert.equal(licenseView({ ...license, Expires: null }, new Date('2026-06-01T00:00:00Z')).Expires, null);
  for (const [k, v] of Object.entries(view)) assert.ok(typeof v === 'string' || v === null, k);
});
