import { posix } from 'node:path';

/** Files the secret scanner never opens: VCS internals, dependency trees, lock files and binary formats. */
export const defaultSkipPatterns: readonly string[] = Object.freeze([
  '**/.git/**',
  '**/node_modules/**',
  '**/go.mod',
  '**/go.sum',
  '**/package-lock.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/Pipfile.lock',
  '**/Gemfile.lock',
  '**/*.{jpg,png,gif,doc,pdf,bin,svg,socket,deb,rpm,zip,gz,gzip,tar}',
]);

/** Files smaller than this hold no secret worth reporting (Trivy's threshold). */
export const minScannedSize = 10;

/** Above this, Trivy warns that the file costs a lot of memory and suggests `--skip-files`. */
export const largeFileWarningSize = 10 * 1024 * 1024;

/** How many leading bytes the binary test looks at. */
export const binaryHeadSize = 300;

/**
 * The `file(1)` test Trivy uses: a control character other than BEL..CR (except VT) and ESC among the first
 * 300 bytes marks the content as binary.
 */
export function isBinaryContent(content: Uint8Array): boolean {
  const n = Math.min(content.length, binaryHeadSize);
  for (let i = 0; i < n; i++) {
    const b = content[i]!;
    if (b < 7 || b === 11 || (b > 13 && b < 27) || (b > 27 && b < 0x20) || b === 0x7f) return true;
  }
  return false;
}

/** Binaries Trivy still scans, through their printable strings: compiled Python keeps string constants verbatim. */
export function isScannableBinary(path: string): boolean {
  return posix.extname(path) === '.pyc';
}

/** Go's unicode.IsPrint for a single byte taken as a code point (ASCII graphic + space, Latin-1 graphic). */
function isPrintableByte(b: number): boolean {
  if (b >= 0x20 && b <= 0x7e) return true;
  return b >= 0xa1 && b !== 0xad;
}

const minPrintableRun = 5;

/** Like `strings(1)`: runs of at least 5 printable bytes, each followed by a newline. */
export function extractPrintableStrings(content: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(content.length + 1);
  let written = 0;
  let runStart = 0;
  const flush = (end: number): void => {
    if (end - runStart >= minPrintableRun) {
      out.set(content.subarray(runStart, end), written);
      written += end - runStart;
      out[written++] = 0x0a;
    }
  };
  for (let i = 0; i < content.length; i++) {
    if (!isPrintableByte(content[i]!)) {
      flush(i);
      runStart = i + 1;
    }
  }
  flush(content.length);
  return out.subarray(0, written);
}
