import type { OperatingSystem, Package, Repository } from '../inventory.ts';
import { redHatBucket, redHatPackageKey } from './redhat.ts';
import { installedVersion, sourceVersion } from './version/package-version.ts';

/**
 * Per OS family: which trivy-db bucket holds its advisories, which package name keys them, which version is
 * compared, and when the release stops getting fixes (spec §1.3, §4.2, §4.7).
 */
export interface OsDriver {
  bucket(os: OperatingSystem, repository: Repository | undefined): string;
  /** The nested bucket key: the source package for Debian-like and Alpine-like families, else the binary name. */
  packageKey(pkg: Package): string;
  /** The version compared with the advisory's fixed version. */
  comparedVersion(pkg: Package): string;
  /** End of support per normalized release (`12`, `3.19`, `22.04`), ISO dates. */
  endOfLife?: Readonly<Record<string, string>>;
  /** The key endOfLife is indexed by. */
  release(os: OperatingSystem, repository: Repository | undefined): string;
}

const major = (name: string) => name.split('.')[0] ?? name;
const majorMinor = (name: string) => name.split('.').slice(0, 2).join('.');
const sourceName = (pkg: Package) => pkg.SrcName || pkg.Name;
const binaryName = (pkg: Package) => pkg.Name;

const debianEol: Record<string, string> = {
  '7': '2018-05-31',
  '8': '2020-06-30',
  '9': '2022-06-30',
  '10': '2024-06-30',
  '11': '2026-08-14',
  '12': '2028-06-10',
  '13': '2030-06-10',
};

const ubuntuEol: Record<string, string> = {
  '14.04': '2019-04-25',
  '16.04': '2021-04-30',
  '18.04': '2023-05-31',
  '20.04': '2025-05-31',
  '22.04': '2027-06-01',
  '24.04': '2029-05-31',
  '14.04-ESM': '2024-04-25',
  '16.04-ESM': '2026-04-23',
  '18.04-ESM': '2028-04-30',
  '20.04-ESM': '2030-04-30',
  '22.04-ESM': '2032-04-30',
  '24.04-ESM': '2034-04-30',
};

const alpineEol: Record<string, string> = {
  '3.14': '2023-05-01',
  '3.15': '2023-11-01',
  '3.16': '2024-05-23',
  '3.17': '2024-11-22',
  '3.18': '2025-05-09',
  '3.19': '2025-11-01',
  '3.20': '2026-04-01',
  '3.21': '2026-11-01',
  '3.22': '2027-05-01',
  edge: '9999-01-01',
};

/** Full support plus maintenance, as Trivy's tables keep them; RHEL 6 is under extended life support. */
const redhatEol: Record<string, string> = {
  '4': '2017-05-31',
  '5': '2020-11-30',
  '6': '3000-06-30',
  '7': '2026-06-30',
  '8': '2029-05-31',
  '9': '2032-05-31',
  '10': '2035-05-31',
};

const centosEol: Record<string, string> = {
  '3': '2010-10-31',
  '4': '2012-02-29',
  '5': '2017-03-31',
  '6': '2020-11-30',
  '7': '2024-06-30',
  '8': '2021-12-31',
};

function debianLike(
  prefix: string,
  release: (os: OperatingSystem) => string,
  eol: Record<string, string>,
): OsDriver {
  return {
    bucket: (os) => `${prefix} ${release(os)}`,
    release: (os) => release(os),
    packageKey: sourceName,
    comparedVersion: sourceVersion,
    endOfLife: eol,
  };
}

function ubuntuRelease(os: OperatingSystem): string {
  // ESM buckets hold the extended-support fixes; they apply once the standard support of the release is over.
  const eol = ubuntuEol[os.Name];
  if (os.Extended && eol && Date.now() >= Date.parse(eol)) return `${os.Name}-ESM`;
  return os.Name;
}

function alpineRelease(os: OperatingSystem, repository: Repository | undefined): string {
  const release = majorMinor(os.Name);
  const repoRelease = repository?.Family === 'alpine' ? repository.Release : undefined;
  return repoRelease && repoRelease !== release ? repoRelease : release;
}

const apkLike = (bucket: (os: OperatingSystem, repository: Repository | undefined) => string): OsDriver => ({
  bucket,
  release: bucket,
  packageKey: sourceName,
  comparedVersion: sourceVersion,
});

const rpmLike = (bucket: (os: OperatingSystem) => string, key = binaryName): OsDriver => ({
  bucket,
  release: bucket,
  packageKey: key,
  comparedVersion: installedVersion,
});

function amazonRelease(os: OperatingSystem): string {
  const first = os.Name.split(/\s+/)[0] ?? '';
  return ['2', '2022', '2023'].includes(first) ? first : '1';
}

/** RHEL and CentOS share the CPE-scoped `Red Hat` bucket (see redhat.ts); modular packages are keyed by stream. */
const redHatLike = (eol: Record<string, string>): OsDriver => ({
  bucket: () => redHatBucket,
  release: (os) => major(os.Name),
  packageKey: redHatPackageKey,
  comparedVersion: installedVersion,
  endOfLife: eol,
});

const drivers: Readonly<Record<string, OsDriver>> = {
  debian: debianLike('debian', (os) => major(os.Name), debianEol),
  ubuntu: debianLike('ubuntu', ubuntuRelease, ubuntuEol),
  alpine: {
    ...apkLike((os, repo) => `alpine ${alpineRelease(os, repo)}`),
    release: alpineRelease,
    endOfLife: alpineEol,
  },
  wolfi: apkLike(() => 'wolfi'),
  chainguard: apkLike(() => 'chainguard'),
  minimos: apkLike(() => 'minimos'),
  redhat: redHatLike(redhatEol),
  centos: redHatLike(centosEol),
  alma: rpmLike((os) => `alma ${major(os.Name)}`),
  rocky: rpmLike((os) => `rocky ${major(os.Name)}`),
  oracle: rpmLike((os) => `Oracle Linux ${major(os.Name)}`),
  amazon: rpmLike((os) => `amazon linux ${amazonRelease(os)}`),
  azurelinux: rpmLike((os) => `Azure Linux ${majorMinor(os.Name)}`, sourceName),
  'cbl-mariner': rpmLike((os) => `CBL-Mariner ${majorMinor(os.Name)}`, sourceName),
  photon: rpmLike((os) => `Photon OS ${os.Name}`, sourceName),
  sles: rpmLike((os) => `SUSE Linux Enterprise ${os.Name}`),
  slem: rpmLike((os) => `SUSE Linux Enterprise Micro ${os.Name}`),
  'opensuse-leap': rpmLike((os) => `openSUSE Leap ${os.Name}`),
  'opensuse-tumbleweed': rpmLike(() => 'openSUSE Tumbleweed'),
};

/** The driver for a Trivy OS family; undefined when the family is not matched (yet). */
export function osDriver(family: string): OsDriver | undefined {
  return Object.hasOwn(drivers, family) ? drivers[family] : undefined;
}

/** True when the release's support ended before `now`; undefined when the release is not in the table. */
export function isEndOfLife(
  driver: OsDriver,
  os: OperatingSystem,
  repository: Repository | undefined,
  now = Date.now(),
) {
  const eol = driver.endOfLife?.[driver.release(os, repository)];
  return eol === undefined ? undefined : now >= Date.parse(eol);
}
