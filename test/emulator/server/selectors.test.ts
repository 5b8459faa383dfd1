import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../api.ts';
import {
  formatLabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.ts';

const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };

describe('label selectors', () => {
  const cases: Array<[string, boolean]> = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app in (api, web)', true],
    ['app notin (api,web)', false],
    ['app notin (api)', true],
    ['missing notin (a)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['app in (web),example.com/team=a,!missing', true],
    ['', true],
  ];
  for (const [selector, expected] of cases) {
    it(`"${selector}" → ${expected}`, () => {
      assert.equal(matchesLabels(parseLabelSelector(selector), labels), expected);
    });
  }

  it('rejects malformed selectors with a 400', () => {
    for (const bad of ['app=we b', 'a b c', 'app in (x y)', '-bad=1']) {
      assert.throws(
        () => parseLabelSelector(bad),
        (e: { status?: { code: number } }) => e.status?.code === 400,
        bad,
      );
    }
  });

  it('formats a structured selector the way kubectl -o wide shows it', () => {
    const text = formatLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(text, 'app=web,tier in (a,b),!x');
    assert.equal(matchesLabels(parseLabelSelector(text), { app: 'web', tier: 'b' }), true);
  });
});

describe('field selectors', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p1', namespace: 'ns1' },
    spec: { nodeName: 'node-a' },
    status: { phase: 'Running' },
  };

  it('matches supported pod fields with =, == and !=', () => {
    const match = (s: string) => matchesFields(parseFieldSelector(s, '', 'pods', false), pod);
    assert.equal(match('status.phase=Running'), true);
    assert.equal(match('status.phase!=Running'), false);
    assert.equal(match('spec.nodeName==node-a,metadata.namespace=ns1'), true);
    assert.equal(match('metadata.name=p2'), false);
    assert.equal(match('spec.nodeName='), false);
  });

  it('refuses unsupported fields with the real messages', () => {
    assert.throws(
      () => parseFieldSelector('spec.foo=1', 'apps', 'deployments', false),
      /field label not supported: spec.foo/,
    );
    assert.throws(
      () => parseFieldSelector('spec.size=1', 'example.com', 'widgets', true),
      /"spec.size" is not a known field selector: only "metadata.name", "metadata.namespace"/,
    );
  });
});

describe('selector parsing never crashes', () => {
  it('returns a selector or a 400 for any input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'a=b!,()in not x-./ \\'.split('')), maxLength: 40 }),
        (text) => {
          try {
            parseLabelSelector(text);
          } catch (error) {
            assert.equal((error as { status?: { code: number } }).status?.code, 400);
          }
          try {
            parseFieldSelector(text, '', 'pods', false);
          } catch (error) {
            assert.equal((error as { status?: { code: number } }).status?.code, 400);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
