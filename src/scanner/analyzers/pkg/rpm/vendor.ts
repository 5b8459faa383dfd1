/** VENDOR prefixes of the distributions themselves; any other vendor marks a third-party package. */
const osVendors: readonly string[] = [
  'Amazon Linux',
  'Amazon.com',
  'CentOS',
  'Fedora Project',
  'Oracle America',
  'Red Hat',
  'AlmaLinux',
  'CloudLinux',
  'VMware',
  'SUSE',
  'openSUSE',
  'Microsoft Corporation',
  'Rocky',
];

export function isOsVendor(vendor: string): boolean {
  return osVendors.some((prefix) => vendor.startsWith(prefix));
}
