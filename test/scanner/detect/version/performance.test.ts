/**
 * Detection compares every installed package with every advisory for it; these checks keep that hot path well
 * inside the budget of 1,000 packages × their advisories in 100 ms. Limits are loose (shared CI machines); the
 * measured rates are printed as test diagnostics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOsPackageVulnerable, isVulnerable } from '../../../../src/scanner/detect/version/matching.ts';
import { osMatchingRule, schemes } from '../../../../src/scanner/detect/version/registry.ts';

const PACKAGES = 1000;
const ADVISORIES_PER_PACKAGE = 10;

/** CPU time (user + system) of `run`: on a shared, loaded machine wall-clock time mostly measures the neighbours. */
function timed(run: () => number): { ms: number; result: number } {
  const start = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, result };
}

describe('version comparison performance', () => {
  it('matches 1,000 dpkg packages × 10 advisories well within budget', (t) => {
    const debian = osMatchingRule('debian')!;
    const packages = Array.from(
      { length: PACKAGES },
      (_, i) => `${i % 7}:${1 + (i % 13)}.${i}.${i % 5}-${1 + (i % 3)}+deb12u${i % 4}`,
    );
    const advisories = packages.map((installed, i) =>
      Array.from({ length: ADVISORIES_PER_PACKAGE }, (_, k) => ({
        FixedVersion: k % 4 === 0 ? '' : `${i % 7}:${1 + (i % 13)}.${i + k - 5}.${k}~rc${k}-${k}`,
      })).map((advisory) => ({ installed, advisory })),
    );
    const run = (): number => {
      let hits = 0;
      for (const list of advisories) {
        for (const { installed, advisory } of list)
          if (isOsPackageVulnerable(installed, advisory, debian)) hits++;
      }
      return hits;
    };
    const cold = timed(run);
    const warm = timed(run);
    assert.equal(cold.result, warm.result);
    assert.ok(cold.result > 0 && cold.result < PACKAGES * ADVISORIES_PER_PACKAGE);
    t.diagnostic(
      `dpkg: ${PACKAGES}×${ADVISORIES_PER_PACKAGE} matches cold ${cold.ms.toFixed(1)} ms, warm ${warm.ms.toFixed(1)} ms CPU`,
    );
    assert.ok(cold.ms < 1000, `cold run took ${cold.ms} ms`);

    const pairs = 100_000;
    const a = '1:2.36-9+deb12u4';
    const b = '1:2.36-9+deb12u10';
    const compare = timed(() => {
      let sum = 0;
      for (let i = 0; i < pairs; i++) sum += schemes.dpkg.compare(a, b);
      return sum;
    });
    assert.equal(compare.result, -pairs);
    t.diagnostic(`dpkg compare (parsed versions cached): ${Math.round(pairs / (compare.ms / 1000))} ops/s`);
  });

  it('matches 1,000 npm packages × 10 advisories well within budget', (t) => {
    const packages = Array.from(
      { length: PACKAGES },
      (_, i) => `${i % 5}.${i % 17}.${i}${i % 9 === 0 ? '-beta.1' : ''}`,
    );
    const advisories = Array.from({ length: 50 }, (_, k) => ({
      VulnerableVersions: [`>=${k % 5}.0.0, < ${k % 5}.${k % 17}.${k * 20}`, `=${k}.0.0`],
      PatchedVersions: [`${k % 5}.${k % 17}.${k * 20}`],
    }));
    const run = (): number => {
      let hits = 0;
      packages.forEach((version, i) => {
        for (let k = 0; k < ADVISORIES_PER_PACKAGE; k++) {
          if (isVulnerable(version, advisories[(i + k) % advisories.length]!, schemes.npm)) hits++;
        }
      });
      return hits;
    };
    const cold = timed(run);
    const warm = timed(run);
    assert.equal(cold.result, warm.result);
    assert.ok(cold.result > 0 && cold.result < PACKAGES * ADVISORIES_PER_PACKAGE);
    t.diagnostic(
      `npm: ${PACKAGES}×${ADVISORIES_PER_PACKAGE} matches cold ${cold.ms.toFixed(1)} ms, warm ${warm.ms.toFixed(1)} ms CPU`,
    );
    assert.ok(cold.ms < 1000, `cold run took ${cold.ms} ms`);

    const checks = 100_000;
    const satisfies = timed(() => {
      let hits = 0;
      for (let i = 0; i < checks; i++) if (schemes.npm.satisfies('4.17.11', '>=4.0.0, < 4.17.12')) hits++;
      return hits;
    });
    assert.equal(satisfies.result, checks);
    t.diagnostic(
      `npm satisfies (range and version cached): ${Math.round(checks / (satisfies.ms / 1000))} ops/s`,
    );
  });
});
