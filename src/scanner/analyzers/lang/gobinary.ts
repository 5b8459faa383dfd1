import { type Analyzer } from '../types.ts';
import type { Package } from '../../inventory.ts';
import { parseElf, type ElfFile } from './elf.ts';
import { languagePackage, singleApplication } from './language-package.ts';

const type = 'gobinary';

/** Any executable that carries Go build info: main module, dependencies (after replacements) and `stdlib`. */
export const goBinaryAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path, mode }) => (mode & 0o111) !== 0 || path.toLowerCase().endsWith('.exe'),
  analyze({ path, content }) {
    const info = readGoBuildInfo(content);
    if (!info) return undefined;
    return singleApplication(type, path, goPackages(info));
  },
};

export interface GoModule {
  path: string;
  version: string;
}

export interface GoBuildInfo {
  /** Toolchain version as embedded, e.g. `go1.22.3` or `go1.22.3 X:boringcrypto`. */
  goVersion: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Map<string, string>;
}

const buildInfoMagic = Buffer.from('\xff Go buildinf:', 'latin1');
const modInfoStart = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const modInfoEnd = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/**
 * Locates the build info blob the Go linker writes (in `.go.buildinfo` on ELF; elsewhere found by its magic at a
 * 16-byte boundary) and decodes it. Go ≥ 1.18 stores the two strings inline (flag bit 2); older toolchains store
 * pointers to Go string headers, which need the ELF segment map to follow.
 */
export function readGoBuildInfo(content: Buffer): GoBuildInfo | undefined {
  const elf = parseElf(content);
  const headerOffset = findHeader(content, elf);
  if (headerOffset === undefined || headerOffset + 32 > content.length) return undefined;
  const pointerSize = content[headerOffset + 14] ?? 0;
  const flags = content[headerOffset + 15] ?? 0;

  let goVersion: string | undefined;
  let modInfo: string | undefined;
  if ((flags & 0x2) !== 0) {
    let cursor = headerOffset + 32;
    const version = readVarintString(content, cursor);
    if (!version) return undefined;
    cursor = version.next;
    const mod = readVarintString(content, cursor);
    goVersion = version.value;
    modInfo = mod?.value ?? '';
  } else {
    if (!elf || (pointerSize !== 4 && pointerSize !== 8)) return undefined;
    const bigEndian = (flags & 0x1) !== 0;
    goVersion = readPointedString(content, elf, headerOffset + 16, pointerSize, bigEndian);
    modInfo = readPointedString(content, elf, headerOffset + 16 + pointerSize, pointerSize, bigEndian) ?? '';
  }
  if (!goVersion || !goVersion.startsWith('go')) return undefined;
  return { goVersion, ...parseModInfo(stripSentinels(modInfo)) };
}

function findHeader(content: Buffer, elf: ElfFile | undefined): number | undefined {
  const section = elf?.sections.find((candidate) => candidate.name === '.go.buildinfo');
  if (section && content.subarray(section.offset, section.offset + 14).equals(buildInfoMagic))
    return section.offset;
  for (let at = content.indexOf(buildInfoMagic); at >= 0; at = content.indexOf(buildInfoMagic, at + 1)) {
    if (at % 16 === 0) return at;
  }
  return undefined;
}

function readVarintString(content: Buffer, offset: number): { value: string; next: number } | undefined {
  let length = 0;
  let shift = 0;
  let cursor = offset;
  for (;;) {
    const byte = content[cursor++];
    if (byte === undefined || shift > 28) return undefined;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  if (cursor + length > content.length) return undefined;
  return { value: content.toString('utf8', cursor, cursor + length), next: cursor + length };
}

function readPointedString(
  content: Buffer,
  elf: ElfFile,
  pointerOffset: number,
  pointerSize: number,
  bigEndian: boolean,
): string | undefined {
  const readPointer = (at: number): number | undefined => {
    if (at + pointerSize > content.length) return undefined;
    if (pointerSize === 8)
      return Number(bigEndian ? content.readBigUInt64BE(at) : content.readBigUInt64LE(at));
    return bigEndian ? content.readUInt32BE(at) : content.readUInt32LE(at);
  };
  const headerAddress = readPointer(pointerOffset);
  const headerAt = headerAddress === undefined ? undefined : elf.offsetOf(headerAddress);
  if (headerAt === undefined) return undefined;
  const dataAddress = readPointer(headerAt);
  const length = readPointer(headerAt + pointerSize);
  const dataAt = dataAddress === undefined ? undefined : elf.offsetOf(dataAddress);
  if (dataAt === undefined || length === undefined || dataAt + length > content.length) return undefined;
  return content.toString('utf8', dataAt, dataAt + length);
}

function stripSentinels(modInfo: string): string {
  const bytes = Buffer.from(modInfo, 'latin1');
  if (
    bytes.length >= 33 &&
    bytes.subarray(0, 16).equals(modInfoStart) &&
    bytes.subarray(bytes.length - 16).equals(modInfoEnd)
  ) {
    return Buffer.from(modInfo, 'utf8').subarray(16, -16).toString('utf8');
  }
  return modInfo;
}

function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [kind, first = '', second = ''] = line.split('\t');
    switch (kind) {
      case 'mod':
        main = { path: first, version: second };
        break;
      case 'dep':
        deps.push({ path: first, version: second });
        break;
      case '=>': {
        // A replacement applies to the dep line just before it; a local directory (no version) keeps the original.
        const replaced = deps.at(-1);
        if (replaced && second) deps[deps.length - 1] = { path: first, version: second };
        break;
      }
      case 'build': {
        const equals = first.indexOf('=');
        if (equals > 0) settings.set(first.slice(0, equals), first.slice(equals + 1));
        break;
      }
    }
  }
  return { ...(main ? { main } : {}), deps, settings };
}

/**
 * `go1.22.3 X:boringcrypto` → `v1.22.3`, the form the Go vulnerability DB uses for the `stdlib` pseudo-module.
 */
export function stdlibVersion(goVersion: string): string {
  const release = goVersion.split(/\s/)[0] ?? '';
  return `v${release.replace(/^go/, '')}`;
}

/** `-X main.version=1.2.3` style flags that name the main module's version when it was built outside a module tag. */
export function versionFromLdflags(ldflags: string | undefined): string | undefined {
  if (!ldflags) return undefined;
  const tokens = splitFlags(unquoteGo(ldflags));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const assignment =
      token === '-X' || token === '--X'
        ? tokens[i + 1]
        : token.startsWith('-X=')
          ? token.slice(3)
          : undefined;
    const equals = assignment?.indexOf('=') ?? -1;
    if (!assignment || equals <= 0) continue;
    const key = assignment.slice(0, equals);
    const value = assignment.slice(equals + 1);
    const variable = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    if (['version', 'ver', 'release', 'gitversion', 'semver'].includes(variable) && /^v?\d/.test(value)) {
      return value.startsWith('v') ? value : `v${value}`;
    }
  }
  return undefined;
}

/** Build settings are written with Go's strconv.Quote when they contain spaces or quotes; JSON reads that form. */
function unquoteGo(value: string): string {
  if (!value.startsWith('"')) return value;
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1);
  }
}

/** Splits a flag string on whitespace, keeping double- or single-quoted parts together (quotes removed). */
function splitFlags(flags: string): string[] {
  const tokens: string[] = [];
  for (const match of flags.matchAll(/(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
    tokens.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return tokens;
}

function goPackages(info: GoBuildInfo): Package[] {
  const packages: Package[] = [];
  if (info.main?.path) {
    const version =
      info.main.version && info.main.version !== '(devel)'
        ? info.main.version
        : versionFromLdflags(info.settings.get('-ldflags'));
    if (version) packages.push(languagePackage(type, { name: info.main.path, version }));
  }
  for (const dep of info.deps) {
    if (dep.path && dep.version)
      packages.push(languagePackage(type, { name: dep.path, version: dep.version }));
  }
  packages.push(languagePackage(type, { name: 'stdlib', version: stdlibVersion(info.goVersion) }));
  return packages;
}
