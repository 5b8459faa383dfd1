import type { OperatingSystem, OsFamily, Package } from '../../inventory.ts';

export type OsPurlType = 'deb' | 'apk' | 'rpm';

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  /** Undefined and empty values are left out; keys are emitted sorted, as the purl spec requires. */
  qualifiers?: Record<string, string | undefined>;
}

const unreserved = /[A-Za-z0-9._~-]/;

function percentEncode(value: string, keep: RegExp): string {
  let out = '';
  for (const char of value) {
    if (unreserved.test(char) || keep.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8'))
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const keepNothing = /(?!)/;
/** Trivy leaves `:` and `/` readable in qualifier values (`modularitylabel=nodejs:18:…:rhel9`). */
const keepInQualifier = /[:/]/;

/** `pkg:type/namespace/name@version?k=v` with percent-encoding as Trivy emits it (`+` → `%2B`). */
export function formatPurl(parts: PurlParts): string {
  let purl = `pkg:${parts.type}/`;
  if (parts.namespace !== undefined && parts.namespace !== '') {
    purl += `${parts.namespace
      .split('/')
      .map((segment) => percentEncode(segment, keepNothing))
      .join('/')}/`;
  }
  purl += percentEncode(parts.name, keepNothing);
  if (parts.version !== undefined && parts.version !== '')
    purl += `@${percentEncode(parts.version, keepNothing)}`;
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key.toLowerCase()}=${percentEncode(value, keepInQualifier)}`);
  if (qualifiers.length > 0) purl += `?${qualifiers.join('&')}`;
  return purl;
}

const apkFamilies: ReadonlySet<OsFamily> = new Set(['alpine', 'wolfi', 'chainguard', 'minimos']);
const debFamilies: ReadonlySet<OsFamily> = new Set(['debian', 'ubuntu']);
const rpmFamilies: ReadonlySet<OsFamily> = new Set([
  'redhat',
  'centos',
  'rocky',
  'alma',
  'oracle',
  'fedora',
  'amazon',
  'azurelinux',
  'cbl-mariner',
  'photon',
  'sles',
  'slem',
  'opensuse-leap',
  'opensuse-tumbleweed',
  'opensuse',
  'coreos',
  'echo',
]);

/** Which package-manager purl type an OS family's packages get; undefined for families without one. */
export function osPurlType(family: OsFamily): OsPurlType | undefined {
  if (debFamilies.has(family)) return 'deb';
  if (apkFamilies.has(family)) return 'apk';
  if (rpmFamilies.has(family)) return 'rpm';
  return undefined;
}

/** PURL namespace of an OS family: SUSE products share `suse` / `opensuse`, the others use the family itself. */
export function osPurlNamespace(family: OsFamily): string {
  if (family === 'sles' || family === 'slem') return 'suse';
  if (family.startsWith('opensuse')) return 'opensuse';
  return family;
}

/**
 * PURL of one OS package once the OS is known (after the layers are merged):
 * `pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4`,
 * `pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.0`,
 * `pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=redhat-9.3&epoch=1`.
 * The epoch leaves the version for an `epoch` qualifier.
 */
export function osPackagePurl(os: OperatingSystem, pkg: Package): string | undefined {
  const type = osPurlType(os.Family);
  if (type === undefined) return undefined;
  const version =
    pkg.Release !== undefined && pkg.Release !== '' ? `${pkg.Version}-${pkg.Release}` : pkg.Version;
  const qualifiers: Record<string, string | undefined> = {
    arch: pkg.Arch,
    distro: type === 'apk' ? os.Name : os.Name === '' ? undefined : `${os.Family}-${os.Name}`,
    epoch: pkg.Epoch !== undefined && pkg.Epoch > 0 ? String(pkg.Epoch) : undefined,
  };
  if (type === 'rpm') qualifiers.modularitylabel = pkg.Modularitylabel;
  return formatPurl({ type, namespace: osPurlNamespace(os.Family), name: pkg.Name, version, qualifiers });
}

/** Post-merge step: every OS package gets its PURL from the merged OS. Returns new package objects. */
export function assignOsPurls(os: OperatingSystem, packages: readonly Package[]): Package[] {
  return packages.map((pkg) => {
    const purl = osPackagePurl(os, pkg);
    if (purl === undefined) return pkg;
    return { ...pkg, Identifier: { ...pkg.Identifier, PURL: purl } };
  });
}
