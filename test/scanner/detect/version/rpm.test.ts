import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseRpm, rpmScheme, rpmvercmp } from '../../../../src/scanner/detect/version/rpm.ts';
import {
  assertAscending,
  assertInvalid,
  assertInvalidConstraints,
  assertOrderingLaws,
  assertSame,
  assertSatisfies,
  execFileAsync,
  joined,
  samplePairs,
} from './laws.ts';

const piece = fc.constantFrom(
  '.',
  '0',
  '1',
  '2',
  '10',
  '007',
  'a',
  'b',
  'rc',
  'git',
  '~',
  '^',
  '_',
  '+',
  'el8',
  'Z',
);
const rpmVersion = fc
  .tuple(
    fc.option(fc.constantFrom('0', '1', '3'), { nil: undefined }),
    fc.integer({ min: 0, max: 9 }).map(String),
    joined(piece, 5),
    fc.option(joined(piece, 4), { nil: undefined }),
  )
  .map(
    ([epoch, head, rest, release]) =>
      `${epoch ? `${epoch}:` : ''}${head}${rest}${release ? `-${release}` : ''}`,
  );

describe('rpm scheme', () => {
  it('splits epoch, version and release at the first hyphen', () => {
    assert.deepEqual(parseRpm('1:2.3-4.el8'), {
      original: '1:2.3-4.el8',
      epoch: 1,
      version: '2.3',
      release: '4.el8',
    });
    assert.deepEqual(parseRpm('2.3-4-5'), { original: '2.3-4-5', epoch: 0, version: '2.3', release: '4-5' });
    assert.equal(parseRpm('x:1.0')?.epoch, 0);
    assertInvalid(rpmScheme, '');
    assertInvalid(rpmScheme, '   ');
  });

  it('orders tilde and caret around the base version', () => {
    assertAscending(rpmScheme, ['1.0~rc1', '1.0~rc2', '1.0', '1.0^git1', '1.0^git2', '1.0.1']);
    assertAscending(rpmScheme, ['1.0~~', '1.0~', '1.0']);
    assertAscending(rpmScheme, ['1.0', '1.0^']);
    assertAscending(rpmScheme, ['1.0^', '1.0a']);
  });

  it('prefers numbers to letters and longer numbers to shorter ones', () => {
    assertAscending(rpmScheme, ['1.a', '1.z', '1.0', '1.9', '1.10', '1.0010a', '1.11']);
    assertAscending(rpmScheme, ['2.0', '2.0a', '2.0.1']);
    assertAscending(rpmScheme, ['1.A', '1.a']);
    assertAscending(rpmScheme, ['1.9999999999999999999999', '1.10000000000000000000000']);
  });

  it('compares epoch, then version, then release', () => {
    assertAscending(rpmScheme, ['9.9-9', '1:1.0-1', '1:1.0-2.el8', '1:1.0-10.el8', '1:1.1-1', '2:0.1-1']);
    assertAscending(rpmScheme, ['1.0', '1.0-1']);
    assertAscending(rpmScheme, ['2.17-317.el7', '2.17-317.el7_9.1', '2.17-322.el7']);
  });

  it('ignores separators and leading zeros', () => {
    assertSame(rpmScheme, '1.0', '1_0');
    assertSame(rpmScheme, '1.01', '1.1');
    assertSame(rpmScheme, '1.0.', '1.0');
    assertSame(rpmScheme, '0:1.0-1', '1.0-1');
    assert.equal(rpmvercmp('1++0', '1.0'), 0);
  });

  it('evaluates ordering constraints', () => {
    assertSatisfies(rpmScheme, [
      ['1.0-1.el8', '<1.0-2.el8', true],
      ['1.0-2.el8', '< 1.0-2.el8', false],
      ['1.0-2.el8', '<=1.0-2.el8', true],
      ['1:1.0', '>2.0', true],
      ['1.5', '>=1.0, <2.0', true],
      ['2.0', '>=1.0, <2.0', false],
      ['2.0', '>=1.0, <2.0 || ==2.0', true],
    ]);
    assertInvalidConstraints(rpmScheme, '1.0', ['', '>', '~1.0', '< 1.0 2.0']);
  });

  it('agrees with rpm’s own comparison (rpm.vercmp) on generated versions', async () => {
    const pairs = samplePairs(rpmVersion, 300, 7, (v) => [`${v}~`, `${v}^`, `${v}.0`, `${v}a`, `${v}0`]);
    const dir = await mkdtemp(join(tmpdir(), 'rpm-vercmp-'));
    try {
      const file = join(dir, 'pairs.txt');
      await writeFile(file, pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
      const lua = `for line in io.lines("${file}") do local a, b = line:match("^(%S+) (%S+)$"); print(rpm.vercmp(a, b) .. ",") end`;
      const { stdout } = await execFileAsync('rpm', ['--eval', `%{lua: ${lua}}`]);
      const expected = stdout.trim().replace(/,$/, '').split(',').map(Number);
      assert.equal(expected.length, pairs.length);
      pairs.forEach(([a, b], i) => assert.equal(rpmScheme.compare(a, b), expected[i], `${a} vs ${b}`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is a total preorder on generated versions', () => {
    assertOrderingLaws(rpmScheme, rpmVersion);
  });
});
