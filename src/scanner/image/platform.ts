import { arch as hostArch } from 'node:os';
import { UserFacingError } from '../../util/errors.ts';
import { ImageFormatError } from './image.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const nodeToOciArch: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The platform images are resolved for when `--platform` is not given: Linux on the host's architecture. */
export function hostPlatform(): Platform {
  return { os: 'linux', architecture: nodeToOciArch[hostArch()] ?? 'amd64' };
}

/** `linux/arm64/v8`, `linux/amd64`, or just `arm64` (Linux implied). */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/').filter((part) => part !== '');
  if (parts.length === 1 && parts[0]) return { os: 'linux', architecture: parts[0] };
  const [os, architecture, variant] = parts;
  if (!os || !architecture || parts.length > 3) {
    throw new UserFacingError(`invalid platform ${JSON.stringify(text)}`, {
      hint: 'use os/arch[/variant], for example linux/amd64 or linux/arm64/v8',
    });
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** An index entry matches when OS and architecture agree and, if both name one, the variant too (arm64 defaults to v8). */
export function platformMatches(candidate: Partial<Platform> | undefined, wanted: Platform): boolean {
  if (!candidate || candidate.os !== wanted.os || candidate.architecture !== wanted.architecture)
    return false;
  const defaultVariant = wanted.architecture === 'arm64' ? 'v8' : undefined;
  const have = candidate.variant ?? defaultVariant;
  const want = wanted.variant ?? defaultVariant;
  return !want || !have || have === want;
}

/** The index entry for `wanted`; the error lists the platforms the index has so the user can pick one. */
export function pickPlatform<T extends { platform?: Partial<Platform> | undefined }>(
  manifests: readonly T[],
  wanted: Platform,
  where: string,
): T {
  const match = manifests.find((manifest) => platformMatches(manifest.platform, wanted));
  if (match) return match;
  const available = manifests
    .map((manifest) =>
      manifest.platform?.os && manifest.platform.architecture
        ? formatPlatform(manifest.platform as Platform)
        : '?',
    )
    .join(', ');
  throw new ImageFormatError(`${where} has no image for platform ${formatPlatform(wanted)}`, {
    hint: `available: ${available} (choose one with --platform)`,
  });
}
