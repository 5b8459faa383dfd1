import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinAllowRules } from '../../../src/scanner/secrets/builtin-allow-rules.ts';
import { builtinRules } from '../../../src/scanner/secrets/builtin-rules.ts';
import type { SecretPattern } from '../../../src/scanner/secrets/types.ts';
import { adversarialInputs, adversarialLength } from './adversarial.ts';

/**
 * A linear pass over 100 KB takes well under 50 ms even on a loaded machine; the quadratic shapes these inputs
 * target take seconds. A slow run is repeated once before failing, so a GC pause or a busy CPU does not fail it.
 */
const budgetMs = 750;

function timeAll(pattern: SecretPattern, text: string, group?: string): number {
  const start = performance.now();
  for (const m of pattern.matchAll(text, group)) {
    assert.ok(m.end <= text.length);
  }
  return performance.now() - start;
}

describe('built-in regexes on adversarial 100 KB lines', () => {
  for (const rule of builtinRules) {
    it(`${rule.id} stays linear`, () => {
      const inputs = adversarialInputs(rule);
      assert.ok(inputs.length >= 30);
      for (const input of inputs) {
        assert.equal(input.text.length, adversarialLength);
        let ms = timeAll(rule.regex, input.text, rule.secretGroupName);
        if (ms > budgetMs) ms = timeAll(rule.regex, input.text, rule.secretGroupName);
        assert.ok(ms <= budgetMs, `${rule.id} took ${ms.toFixed(0)} ms on ${input.name}`);
      }
    });
  }

  it('allow-rule regexes stay linear on long paths and matches', () => {
    const texts = ['/test'.repeat(20_000), 'example'.repeat(15_000), `${'a/'.repeat(50_000)}x.md`];
    for (const rule of [...builtinAllowRules, ...builtinRules.flatMap((r) => r.allowRules)]) {
      for (const text of texts) {
        for (const pattern of [rule.path, rule.regex]) {
          if (pattern === undefined) continue;
          const ms = timeAll(pattern, text);
          assert.ok(ms <= budgetMs, `${rule.id} took ${ms.toFixed(0)} ms`);
        }
      }
    }
  });
});
