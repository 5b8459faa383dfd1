import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';

const run = promisify(execFile);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixturesDir = join(repoRoot, '.cache', 'fixtures');
/** Written last, so a half-built rootfs (killed run) is never mistaken for a good one. */
const completeMarker = '.trivy-ts-complete';

/**
 * A real Debian 12 minbase root filesystem (real dpkg status and md5sums), built once with
 * `debootstrap --variant=minbase bookworm` from Debian's mirror and reused from `.cache/fixtures/bookworm-minbase`.
 * Needs root and the `debootstrap` package; takes one to two minutes the first time.
 */
export async function bookwormMinbase(): Promise<string> {
  const target = join(fixturesDir, 'bookworm-minbase');
  if (existsSync(join(target, completeMarker))) return target;
  await mkdir(fixturesDir, { recursive: true });
  const release = await lockfile.lock(fixturesDir, {
    lockfilePath: join(fixturesDir, 'bookworm-minbase.lock'),
    stale: 15 * 60_000,
    retries: { retries: 400, minTimeout: 1000, maxTimeout: 2000 },
  });
  try {
    if (existsSync(join(target, completeMarker))) return target;
    const work = `${target}.partial-${process.pid}`;
    await rm(work, { recursive: true, force: true });
    try {
      await run('debootstrap', ['--variant=minbase', 'bookworm', work, mirror()], {
        maxBuffer: 64 * 1024 * 1024,
        timeout: 15 * 60_000,
      });
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      throw new Error(
        'debootstrap of bookworm minbase failed: install the debian package `debootstrap`, run as root and make sure ' +
          `Debian's mirror is reachable (${String(error)})`,
        { cause: error },
      );
    }
    await writeFile(join(work, completeMarker), new Date().toISOString());
    await rm(target, { recursive: true, force: true });
    await rename(work, target);
    return target;
  } finally {
    await release();
  }
}

/** Debian's default mirror unless the test environment names another one. */
function mirror(): string {
  return process.env.DEBOOTSTRAP_MIRROR ?? 'http://deb.debian.org/debian';
}
