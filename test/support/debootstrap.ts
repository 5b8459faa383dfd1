import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';

const run = promisify(execFile);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixturesDir = join(repoRoot, '.cache', 'fixtures');
/**
 * Written last, beside the rootfs (so it is not part of images made from it): a half-built rootfs (killed run) is
 * never mistaken for a good one. The version changes when the recipe does.
 */
const completeMarker = (target: string) => `${target}.complete-v2`;
/** Marker of the first recipe (inside the rootfs, untrimmed): such a cache is trimmed in place, not rebuilt. */
const firstRecipeMarker = '.trivy-ts-complete';

/**
 * A real Debian 12 minbase root filesystem (real dpkg status and md5sums), built once with
 * `debootstrap --variant=minbase bookworm` from Debian's mirror and reused from `.cache/fixtures/bookworm-minbase`.
 * It is trimmed like Debian's published container images: no apt package lists and no downloaded .debs.
 * Needs root and the `debootstrap` package; takes one to two minutes the first time.
 */
export async function bookwormMinbase(): Promise<string> {
  const target = join(fixturesDir, 'bookworm-minbase');
  if (existsSync(completeMarker(target))) return target;
  await mkdir(fixturesDir, { recursive: true });
  const release = await lockfile.lock(fixturesDir, {
    lockfilePath: join(fixturesDir, 'bookworm-minbase.lock'),
    stale: 15 * 60_000,
    retries: { retries: 400, minTimeout: 1000, maxTimeout: 2000 },
  });
  try {
    if (existsSync(completeMarker(target))) return target;
    if (existsSync(join(target, firstRecipeMarker))) {
      await trimLikeDebianImages(target);
      await rm(join(target, firstRecipeMarker), { force: true });
      await writeFile(completeMarker(target), new Date().toISOString());
      return target;
    }
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
    await trimLikeDebianImages(work);
    await rm(target, { recursive: true, force: true });
    await rename(work, target);
    await writeFile(completeMarker(target), new Date().toISOString());
    return target;
  } finally {
    await release();
  }
}

/**
 * What Debian's image build (debuerreotype) removes after debootstrap: the apt package lists (48 MiB of text no
 * published image ships) and the downloaded archives. The dpkg database and every installed file stay.
 */
async function trimLikeDebianImages(rootfs: string): Promise<void> {
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt/archives', 'var/cache/apt']) {
    const path = join(rootfs, dir);
    if (!existsSync(path)) continue;
    for (const name of await readdir(path)) {
      if (name === 'partial' || name === 'lock' || name === 'archives') continue;
      await rm(join(path, name), { recursive: true, force: true });
    }
  }
}

/** Debian's default mirror unless the test environment names another one. */
function mirror(): string {
  return process.env.DEBOOTSTRAP_MIRROR ?? 'http://deb.debian.org/debian';
}
