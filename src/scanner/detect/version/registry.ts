/**
 * Which version scheme compares which packages: OS families (spec §1.3, "Comparator" column, and §4.2) and language
 * ecosystems / application types (spec §4.3).
 */
import { apkScheme } from './apk.ts';
import { dpkgScheme } from './dpkg.ts';
import { cargoScheme, composerScheme, genericScheme, goScheme, nugetScheme } from './generic.ts';
import { mavenScheme } from './maven.ts';
import { npmScheme } from './npm.ts';
import { pep440Scheme } from './pep440.ts';
import { rpmScheme } from './rpm.ts';
import { rubygemsScheme } from './rubygems.ts';
import type { SchemeName, VersionScheme } from './types.ts';

export const schemes: Readonly<Record<SchemeName, VersionScheme>> = {
  dpkg: dpkgScheme,
  rpm: rpmScheme,
  apk: apkScheme,
  npm: npmScheme,
  pep440: pep440Scheme,
  maven: mavenScheme,
  rubygems: rubygemsScheme,
  go: goScheme,
  cargo: cargoScheme,
  composer: composerScheme,
  nuget: nugetScheme,
  generic: genericScheme,
};

/** How an OS family's advisories are matched (spec §4.2). */
export interface OsMatchingRule {
  readonly scheme: VersionScheme;
  /** An advisory without FixedVersion matches (unfixed). Amazon has no unfixed path. */
  readonly matchesUnfixed: boolean;
  /** Alpine: an advisory whose AffectedVersion is newer than the installed version does not match. */
  readonly honoursAffectedVersion: boolean;
}

const dpkgRule: OsMatchingRule = { scheme: dpkgScheme, matchesUnfixed: true, honoursAffectedVersion: false };
const rpmRule: OsMatchingRule = { scheme: rpmScheme, matchesUnfixed: true, honoursAffectedVersion: false };
const apkRule: OsMatchingRule = { scheme: apkScheme, matchesUnfixed: true, honoursAffectedVersion: false };

const OS_RULES: Readonly<Record<string, OsMatchingRule>> = {
  debian: dpkgRule,
  ubuntu: dpkgRule,
  // Trivy compares Amazon Linux versions with the Debian algorithm and skips advisories without a fixed version.
  amazon: { scheme: dpkgScheme, matchesUnfixed: false, honoursAffectedVersion: false },
  alpine: { scheme: apkScheme, matchesUnfixed: true, honoursAffectedVersion: true },
  wolfi: apkRule,
  chainguard: apkRule,
  minimos: apkRule,
  redhat: rpmRule,
  centos: rpmRule,
  alma: rpmRule,
  rocky: rpmRule,
  oracle: rpmRule,
  fedora: rpmRule,
  azurelinux: rpmRule,
  'cbl-mariner': rpmRule,
  photon: rpmRule,
  sles: rpmRule,
  slem: rpmRule,
  opensuse: rpmRule,
  'opensuse.leap': rpmRule,
  'opensuse.tumbleweed': rpmRule,
  'opensuse-leap': rpmRule,
  'opensuse-tumbleweed': rpmRule,
};

/** The matching rule for a Trivy OS family name (`debian`, `alpine`, `redhat`, …); undefined if unsupported. */
export function osMatchingRule(family: string): OsMatchingRule | undefined {
  return Object.hasOwn(OS_RULES, family) ? OS_RULES[family] : undefined;
}

/** Trivy-DB language bucket prefixes (`npm::…`, `pip::…`) and their schemes. */
const ECOSYSTEM_SCHEMES: Readonly<Record<string, VersionScheme>> = {
  npm: npmScheme,
  pip: pep440Scheme,
  rubygems: rubygemsScheme,
  cocoapods: rubygemsScheme,
  maven: mavenScheme,
  go: goScheme,
  cargo: cargoScheme,
  composer: composerScheme,
  nuget: nugetScheme,
  pub: genericScheme,
  erlang: genericScheme,
  conan: genericScheme,
  swift: genericScheme,
  julia: genericScheme,
  k8s: genericScheme,
};

/** The scheme for a DB ecosystem (bucket prefix before `::`); undefined when Trivy has no comparator for it. */
export function ecosystemScheme(ecosystem: string): VersionScheme | undefined {
  return Object.hasOwn(ECOSYSTEM_SCHEMES, ecosystem) ? ECOSYSTEM_SCHEMES[ecosystem] : undefined;
}

/** Result `Type` of a language application → DB ecosystem (spec §4.3 table). */
const APPLICATION_ECOSYSTEMS: Readonly<Record<string, string>> = {
  bundler: 'rubygems',
  gemspec: 'rubygems',
  cargo: 'cargo',
  rustbinary: 'cargo',
  composer: 'composer',
  'composer-vendor': 'composer',
  gobinary: 'go',
  gomod: 'go',
  jar: 'maven',
  pom: 'maven',
  gradle: 'maven',
  sbt: 'maven',
  npm: 'npm',
  yarn: 'npm',
  pnpm: 'npm',
  bun: 'npm',
  'node-pkg': 'npm',
  javascript: 'npm',
  nuget: 'nuget',
  'dotnet-core': 'nuget',
  'packages-props': 'nuget',
  pip: 'pip',
  pipenv: 'pip',
  poetry: 'pip',
  uv: 'pip',
  pylock: 'pip',
  'python-pkg': 'pip',
  pub: 'pub',
  hex: 'erlang',
  conan: 'conan',
  swift: 'swift',
  julia: 'julia',
  kubernetes: 'k8s',
  cocoapods: 'cocoapods',
};

/** The DB ecosystem for an application type; undefined for types Trivy does not match (e.g. conda). */
export function applicationEcosystem(type: string): string | undefined {
  return Object.hasOwn(APPLICATION_ECOSYSTEMS, type) ? APPLICATION_ECOSYSTEMS[type] : undefined;
}

/** The scheme for an application type, via its ecosystem. */
export function applicationScheme(type: string): VersionScheme | undefined {
  const ecosystem = applicationEcosystem(type);
  return ecosystem === undefined ? undefined : ecosystemScheme(ecosystem);
}
