import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseGem, rubygemsScheme } from '../../../../src/scanner/detect/version/rubygems.ts';
import {
  assertAscending,
  assertInvalid,
  assertInvalidConstraints,
  assertOrderingLaws,
  assertSame,
  assertSatisfies,
  joined,
  samplePairs,
} from './laws.ts';

const gemVersion = fc
  .tuple(
    fc.integer({ min: 0, max: 12 }).map(String),
    fc.option(
      joined(
        fc.constantFrom('.0', '.1', '.2', '.10', '.a', '.pre', '.rc1', '.0a', '.b2', '.beta', '.Z', '.1b'),
        4,
      ),
      {
        nil: undefined,
      },
    ),
    fc.option(fc.constantFrom('-beta', '-rc.1', '-1', '-pre-2'), { nil: undefined }),
  )
  .map(([head, rest, dash]) => `${head}${rest ?? ''}${dash ?? ''}`);

/** Asks Ruby's own Gem::Version / Gem::Requirement (Debian's ruby package). */
async function askRubyGems(
  pairs: readonly [string, string][],
  requirements: readonly [string, string][],
): Promise<{ cmp: number[]; sat: boolean[] }> {
  const program = [
    'require "json"',
    'data = JSON.parse($stdin.read)',
    'cmp = data["pairs"].map { |a, b| Gem::Version.new(a) <=> Gem::Version.new(b) }',
    'sat = data["requirements"].map { |v, r| Gem::Requirement.new(r).satisfied_by?(Gem::Version.new(v)) }',
    'puts JSON.generate({ "cmp" => cmp, "sat" => sat })',
  ].join('\n');
  const child = spawn('ruby', ['-e', program], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify({ pairs, requirements }));
  assert.equal(await exited, 0);
  return JSON.parse(output) as { cmp: number[]; sat: boolean[] };
}

describe('rubygems scheme', () => {
  it('orders pre-releases (any letter) before releases and strings before numbers', () => {
    assertAscending(rubygemsScheme, [
      '1.0.a',
      '1.0.a1',
      '1.0.a2',
      '1.0.b1',
      '1.0.pre',
      '1.0.rc1',
      '1.0',
      '1.0.1',
      '1.1',
    ]);
    assertAscending(rubygemsScheme, ['1.0.0-beta', '1.0.0-rc.1', '1.0.0']);
    assertAscending(rubygemsScheme, ['1.a', '1.0', '1.1.a', '1.1']);
    assertAscending(rubygemsScheme, ['2.9', '2.10', '2.100', '3']);
    assertAscending(rubygemsScheme, ['1.0.B', '1.0.a']);
  });

  it('ignores trailing zeros and splits letters from digits', () => {
    assertSame(rubygemsScheme, '1', '1.0');
    assertSame(rubygemsScheme, '1.0', '1.0.0');
    assertSame(rubygemsScheme, '1.0.a1', '1.0.a.1');
    assertSame(rubygemsScheme, '1.0.a', '1.a');
    assertSame(rubygemsScheme, '1.0-beta', '1.0.pre.beta');
    assertSame(rubygemsScheme, '', '0');
    assertSame(rubygemsScheme, ' 1.2 ', '1.2');
  });

  it('rejects invalid versions', () => {
    for (const bad of [
      'a',
      '1..0',
      '1.0.',
      '-1',
      '1.0+build',
      '1_0',
      'v1.0',
      '1.0 2',
      '1.0-',
      '1.0-beta_1',
    ]) {
      assertInvalid(rubygemsScheme, bad);
    }
  });

  it('evaluates requirements with every operator', () => {
    assertSatisfies(rubygemsScheme, [
      ['2.9', '~> 2.2', true],
      ['3.0', '~> 2.2', false],
      ['3.0.a', '~> 2.2', false],
      ['2.2.9', '~>2.2.3', true],
      ['2.3.0', '~> 2.2.3', false],
      ['2.2.3.rc1', '~> 2.2.3', false],
      ['1.9', '~> 1', true],
      ['2.0', '~> 1', false],
      ['1.0', '= 1.0', true],
      ['1.0', '1.0', true],
      ['1.0.1', '!= 1.0', true],
      ['1.0', '>= 1.0', true],
      ['1.0', '=> 1.0', true],
      ['1.0', '> 1.0', false],
      ['1.0', '< 1.0.1', true],
      ['1.0', '<= 1.0', true],
      ['1.0', '=< 0.9', false],
      ['1.5', '>= 1.0, < 2.0', true],
      ['1.5', '>=1.0,<1.5', false],
      ['2.5', '< 1.0 || >= 2.0, < 3.0', true],
      ['1.5', '< 1.0 || >= 2.0, < 3.0', false],
      ['1.0.0.rc1', '< 1.0.0', true],
    ]);
    assertInvalidConstraints(rubygemsScheme, '1.0', [
      '',
      '>=',
      '== 1.0',
      '>= 1.0 < 2.0',
      '>= 1.0 ||',
      '^1.0',
      '~1.0',
    ]);
  });

  it('agrees with Ruby’s Gem::Version and Gem::Requirement on generated input', async () => {
    const pairs = samplePairs(gemVersion, 400, 21, (v) => [`${v}.0`, `${v}.a`, `${v}0`, `${v}.0.0`]).filter(
      ([a, b]) => parseGem(a) && parseGem(b),
    );
    const requirements = fc
      .sample(fc.tuple(gemVersion, fc.constantFrom('=', '!=', '>', '<', '>=', '<=', '~>'), gemVersion), {
        numRuns: 400,
        seed: 22,
      })
      .map(([v, op, bound]): [string, string] => [v, `${op} ${bound}`]);
    assert.ok(pairs.every(([a, b]) => parseGem(a) && parseGem(b)));
    const answer = await askRubyGems(pairs, requirements);
    pairs.forEach(([a, b], i) => assert.equal(rubygemsScheme.compare(a, b), answer.cmp[i], `${a} vs ${b}`));
    requirements.forEach(([v, r], i) =>
      assert.equal(rubygemsScheme.satisfies(v, r), answer.sat[i], `${v} ${r}`),
    );
  });

  it('is a total preorder on generated versions', () => {
    assertOrderingLaws(rubygemsScheme, gemVersion);
  });
});
