import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH } from '../../../../src/scanner/detect/version/define.ts';
import { schemes } from '../../../../src/scanner/detect/version/registry.ts';
import { InvalidConstraintError, InvalidVersionError } from '../../../../src/scanner/detect/version/types.ts';

/** Repeats `unit` up to `length` characters. */
const fill = (unit: string, length: number): string =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

const UNITS = [
  ' ',
  '\t',
  'v',
  '-',
  'a',
  '1',
  '0',
  '1.',
  '>= ',
  '1-',
  '~',
  '|',
  '1.0-a',
  '1 ',
  ' 1',
  '<',
  ',',
  '.*',
  '+',
  '!',
  'é',
];

describe('hostile input', () => {
  it('every scheme answers or throws a typed error quickly, without hanging on long or odd strings', () => {
    const start = performance.now();
    for (const scheme of Object.values(schemes)) {
      for (const unit of UNITS) {
        for (const length of [MAX_VERSION_LENGTH, MAX_CONSTRAINT_LENGTH]) {
          for (const input of [fill(unit, length), `${fill(unit, length - 2)}1x`]) {
            const parsed = scheme.parse(input);
            assert.ok(parsed === undefined || parsed.original === input);
            try {
              assert.equal(typeof scheme.satisfies('1.0.0', input), 'boolean');
            } catch (error) {
              assert.ok(
                error instanceof InvalidConstraintError || error instanceof InvalidVersionError,
                `${scheme.name}: unexpected ${String(error)}`,
              );
            }
          }
        }
      }
    }
    // Generous for loaded CI machines; a backtracking blow-up would take minutes.
    assert.ok(performance.now() - start < 10_000, `took ${performance.now() - start} ms`);
  });

  it('rejects inputs beyond the length limits before parsing them', () => {
    for (const scheme of Object.values(schemes)) {
      assert.equal(scheme.parse(`1${'.1'.repeat(MAX_VERSION_LENGTH)}`), undefined);
      assert.throws(
        () => scheme.satisfies('1.0.0', `>=${'1'.repeat(MAX_CONSTRAINT_LENGTH)}`),
        InvalidConstraintError,
      );
    }
  });

  it('treats non-string input as invalid instead of crashing', () => {
    for (const scheme of Object.values(schemes)) {
      assert.equal(scheme.parse(undefined as unknown as string), undefined);
      assert.throws(() => scheme.compare(null as unknown as string, '1.0.0'), InvalidVersionError);
      assert.throws(() => scheme.satisfies('1.0.0', 42 as unknown as string), InvalidConstraintError);
    }
  });
});
