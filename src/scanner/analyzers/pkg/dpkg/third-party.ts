/**
 * Vendors that publish their own Debian/Ubuntu repositories. A package whose Maintainer address is at one of these
 * domains did not come from the distribution, so the distribution's advisories say nothing about it and it is not
 * matched against them. The list is deliberately short: a false "third-party" would hide real vulnerabilities,
 * while a missed one only costs a possible false positive.
 */
const thirdPartyMaintainerDomains: readonly string[] = [
  'docker.com',
  'nodesource.com',
  'google.com',
  'microsoft.com',
  'mongodb.com',
  'elastic.co',
  'nginx.com',
  'f5.com',
  'nvidia.com',
  'hashicorp.com',
  'grafana.com',
  'datadoghq.com',
  'aquasec.com',
  'mariadb.org',
  'percona.com',
  'yarnpkg.com',
];

export function isThirdPartyMaintainer(maintainer: string | undefined): boolean {
  if (maintainer === undefined) return false;
  const email = /<([^>]*)>/.exec(maintainer)?.[1] ?? maintainer;
  const at = email.lastIndexOf('@');
  if (at === -1) return false;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return thirdPartyMaintainerDomains.some((known) => domain === known || domain.endsWith(`.${known}`));
}
