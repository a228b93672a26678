import type { License } from '../store/types.js';

/** A license is active when enabled and `now` lies within Created..Expires. */
export function isLicenseActive(license: License, now: Date): boolean {
  const t = now.getTime();
  if (!license.enabled || t < Date.parse(license.Created)) return false;
  return license.Expires === null || t < Date.parse(license.Expires);
}

/** The getlicense answer: limits and Active as strings, as the reference client reads them. */
export function licenseView(license: License, now: Date): Record<string, string | null> {
  return {
    LicenseKey: license.LicenseKey,
    Name: license.Name,
    Type: license.Type,
    Active: isLicenseActive(license, now) ? '1' : '0',
    DeviceLimit: String(license.DeviceLimit),
    TicketLimit: String(license.TicketLimit),
    ProductLimit: String(license.ProductLimit),
    PaymentLimit: String(license.PaymentLimit),
    POSLimit: String(license.POSLimit),
    Created: license.Created,
    Expires: license.Expires,
  };
}
