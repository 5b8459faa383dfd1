import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkInput, fuzzTargets, property, type FuzzTarget } from './fuzz-targets.ts';

/** Thousands of malformed inputs per parser; `npm run fuzz` runs the long campaign (a million per parser). */
const runsPerTarget = 2000;

describe('OS parsers under malformed input', () => {
  let targets: FuzzTarget[];
  before(async () => {
    targets = await fuzzTargets();
  });

  it('every seed is accepted as valid input', async () => {
    for (const target of targets) {
      for (const seed of target.seeds) {
        const result = await target.analyzer.analyze({
          path: target.path,
          size: seed.length,
          mode: 0o644,
          content: seed,
        });
        assert.ok(result !== undefined, `${target.name}: seed gives a result`);
      }
    }
  });

  it(`never crash or hang on ${runsPerTarget} inputs per parser`, async () => {
    for (const target of targets) {
      await fc.assert(property(target), { numRuns: runsPerTarget, seed: 20261122 + target.name.length });
    }
  });

  // Megabyte-sized fields: linear parsing takes well under a second; a quadratic step would take minutes.
  it('handle huge fields and long files in linear time', async () => {
    const huge = 'x'.repeat(8 * 1024 * 1024);
    const bigInputs: [string, Buffer][] = [
      ['dpkg status', Buffer.from(`Package: a\nVersion: 1.0-1\nDescription: ${huge}\n ${huge}\n`)],
      ['apk installed', Buffer.from(`P:a\nV:1.0-r0\nT:${huge}\nD:${'so:x '.repeat(200_000)}\n`)],
      [
        'apk installed',
        Buffer.from(`P:a\nV:1.0-r0\np:${'so:y '.repeat(1_000_000)}\n\nP:b\nV:1-r0\nD:so:y\n`),
      ],
      ['dpkg status', Buffer.from(`Package: a\nVersion: 1-1\nDepends: ${'b | '.repeat(500_000)}c\n`)],
      ['os-release', Buffer.from(`ID=${huge}\nVERSION_ID=1\n`)],
      ['dpkg md5sums', Buffer.from(`abc  ${huge}\n`.repeat(2))],
      ['apk-repositories', Buffer.from(`http://m/alpine/v3.1/${huge}\n`)],
    ];
    for (const [name, content] of bigInputs) {
      const target = targets.find((t) => t.name === name);
      assert.ok(target, name);
      assert.equal(await checkInput(target, content, 15_000), undefined, name);
    }
  });
});
