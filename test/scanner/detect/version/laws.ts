/** Shared assertions for version scheme tests: ordering chains, equalities and the laws of a total preorder. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import type { VersionScheme } from '../../../../src/scanner/detect/version/types.ts';

export const execFileAsync = promisify(execFile);

/** Every version in `chain` sorts strictly before every later one, in both argument orders. */
export function assertAscending(scheme: VersionScheme, chain: readonly string[]): void {
  for (let i = 0; i < chain.length; i++) {
    for (let j = i + 1; j < chain.length; j++) {
      assert.equal(
        scheme.compare(chain[i]!, chain[j]!),
        -1,
        `${scheme.name}: expected ${chain[i]} < ${chain[j]}`,
      );
      assert.equal(
        scheme.compare(chain[j]!, chain[i]!),
        1,
        `${scheme.name}: expected ${chain[j]} > ${chain[i]}`,
      );
    }
  }
}

export function assertSame(scheme: VersionScheme, a: string, b: string): void {
  assert.equal(scheme.compare(a, b), 0, `${scheme.name}: expected ${a} == ${b}`);
  assert.equal(scheme.compare(b, a), 0, `${scheme.name}: expected ${b} == ${a}`);
}

export function assertInvalid(scheme: VersionScheme, version: string): void {
  assert.equal(
    scheme.parse(version),
    undefined,
    `${scheme.name}: expected ${JSON.stringify(version)} to be invalid`,
  );
  assert.throws(() => scheme.compare(version, version), { name: 'InvalidVersionError' });
}

export type SatisfiesCase = readonly [version: string, constraint: string, expected: boolean];

export function assertSatisfies(scheme: VersionScheme, cases: readonly SatisfiesCase[]): void {
  for (const [version, constraint, expected] of cases) {
    assert.equal(
      scheme.satisfies(version, constraint),
      expected,
      `${scheme.name}: ${version} satisfies ${JSON.stringify(constraint)} should be ${expected}`,
    );
  }
}

export function assertInvalidConstraints(
  scheme: VersionScheme,
  version: string,
  constraints: readonly string[],
): void {
  for (const constraint of constraints) {
    assert.throws(
      () => scheme.satisfies(version, constraint),
      { name: 'InvalidConstraintError' },
      `${scheme.name}: expected ${JSON.stringify(constraint)} to be rejected`,
    );
  }
}

/**
 * Antisymmetry, reflexivity and transitivity on generated versions: sorting a generated list with the comparator
 * must leave every pair (not only neighbours) in order, and equal elements must compare alike against all others.
 */
export function assertOrderingLaws(
  scheme: VersionScheme,
  version: fc.Arbitrary<string>,
  numRuns = 300,
): void {
  fc.assert(
    fc.property(fc.array(version, { minLength: 2, maxLength: 8 }), (versions) => {
      for (const v of versions) assert.notEqual(scheme.parse(v), undefined, `generated ${v} should parse`);
      const sorted = [...versions].sort((a, b) => scheme.compare(a, b));
      for (let i = 0; i < sorted.length; i++) {
        assert.equal(scheme.compare(sorted[i]!, sorted[i]!), 0);
        for (let j = i + 1; j < sorted.length; j++) {
          const forward = scheme.compare(sorted[i]!, sorted[j]!);
          assert.ok(forward <= 0, `${sorted[i]} should not sort after ${sorted[j]}`);
          assert.equal(scheme.compare(sorted[j]!, sorted[i]!), forward === 0 ? 0 : -forward);
          if (forward === 0) {
            for (const other of sorted) {
              assert.equal(scheme.compare(sorted[i]!, other), scheme.compare(sorted[j]!, other));
            }
          }
        }
      }
    }),
    { numRuns },
  );
}

/** Builds a string from pieces chosen by fast-check, e.g. version fragments. */
export function joined(pieces: fc.Arbitrary<string>, maxLength = 6): fc.Arbitrary<string> {
  return fc.array(pieces, { minLength: 1, maxLength }).map((parts) => parts.join(''));
}

/** Deterministic samples so that cross-checks against real tools are reproducible. */
export function samplePairs(
  version: fc.Arbitrary<string>,
  count: number,
  seed: number,
  variants: (v: string) => string[],
): [string, string][] {
  const pair = fc.oneof(
    fc.tuple(version, version),
    // Near-equal pairs exercise the tie-breaking rules more than independent ones.
    version.chain((v) => fc.tuple(fc.constant(v), fc.constantFrom(v, ...variants(v)))),
  );
  return fc.sample(pair, { numRuns: count, seed });
}
