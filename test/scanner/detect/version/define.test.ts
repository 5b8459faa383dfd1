import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_CONSTRAINT_LENGTH,
  MAX_VERSION_LENGTH,
  defineScheme,
} from '../../../../src/scanner/detect/version/define.ts';
import { InvalidConstraintError, InvalidVersionError } from '../../../../src/scanner/detect/version/types.ts';
import { UserFacingError } from '../../../../src/util/errors.ts';

interface Counted {
  original: string;
  value: number;
}

/** A tiny integer scheme that counts how often its rules run, to observe the caches. */
function countingScheme() {
  const calls = { parse: 0, constraint: 0 };
  const scheme = defineScheme<Counted>({
    name: 'generic',
    parse(raw) {
      calls.parse += 1;
      return /^[0-9]+$/.test(raw) ? { original: raw, value: Number(raw) } : undefined;
    },
    compare: (a, b) => a.value - b.value,
    parseConstraint(raw) {
      calls.constraint += 1;
      const match = /^<([0-9]+)$/.exec(raw);
      if (!match) return 'only <N is supported';
      const bound = Number(match[1]);
      return (v) => v.value < bound;
    },
  });
  return { scheme, calls };
}

describe('defineScheme', () => {
  it('normalises comparison results to -1, 0 and 1', () => {
    const { scheme } = countingScheme();
    assert.equal(scheme.compare('3', '10'), -1);
    assert.equal(scheme.compare('10', '3'), 1);
    assert.ok(Object.is(scheme.compare('7', '7'), 0));
  });

  it('parses each version and constraint once', () => {
    const { scheme, calls } = countingScheme();
    for (let i = 0; i < 5; i++) {
      assert.equal(scheme.satisfies('3', '<5'), true);
      assert.equal(scheme.parse('bad'), undefined);
      assert.throws(() => scheme.satisfies('3', 'nope'), InvalidConstraintError);
    }
    assert.deepEqual(calls, { parse: 2, constraint: 2 });
    assert.equal(scheme.parse('3'), scheme.parse('3'));
  });

  it('raises user-facing typed errors that name the scheme and the input', () => {
    const { scheme } = countingScheme();
    assert.throws(
      () => scheme.compare('x', '1'),
      (error: unknown) =>
        error instanceof InvalidVersionError &&
        error instanceof UserFacingError &&
        error.scheme === 'generic' &&
        error.version === 'x' &&
        error.message === 'invalid generic version "x"' &&
        typeof error.hint === 'string',
    );
    assert.throws(
      () => scheme.satisfies('1', '>1'),
      (error: unknown) =>
        error instanceof InvalidConstraintError &&
        error.constraint === '>1' &&
        error.message === 'invalid generic version constraint ">1": only <N is supported',
    );
  });

  it('rejects oversized input without handing it to the rules', () => {
    const { scheme, calls } = countingScheme();
    assert.equal(scheme.parse('1'.repeat(MAX_VERSION_LENGTH + 1)), undefined);
    assert.throws(() => scheme.satisfies('1', `<${'1'.repeat(MAX_CONSTRAINT_LENGTH)}`), /longer than/);
    assert.deepEqual(calls, { parse: 0, constraint: 0 });
  });
});
