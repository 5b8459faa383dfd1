import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinRules } from '../../../src/scanner/secrets/builtin-rules.ts';
import { scanSecrets } from '../../../src/scanner/secrets/index.ts';
import type { SecretFinding } from '../../../src/scanner/secrets/types.ts';
import { ruleCases, type RuleCase } from './rule-cases.ts';

const target = '/srv/app/config.env';

function lineOf(content: string, offset: number): number {
  return content.slice(0, offset).split('\n').length;
}

function expectedMatch(rc: RuleCase): string {
  if (rc.match !== undefined) return rc.match;
  const at = rc.content.indexOf(rc.secret);
  const line = rc.content.split('\n')[lineOf(rc.content, at) - 1]!;
  return line.replace(rc.secret, '*'.repeat(rc.secret.length));
}

function findingFor(findings: SecretFinding[], id: string): SecretFinding | undefined {
  return findings.find((f) => f.RuleID === id);
}

describe('built-in secret rules', () => {
  it('has the 105 upstream rules, each ID once, in upstream order', () => {
    assert.equal(builtinRules.length, 105);
    assert.equal(new Set(builtinRules.map((r) => r.id)).size, 105);
    assert.equal(builtinRules[0]!.id, 'aws-access-key-id');
    assert.equal(builtinRules[104]!.id, 'openai-realtime-client-secret');
  });

  it('has one positive case per rule', () => {
    assert.deepEqual(ruleCases.map((c) => c.id).sort(), builtinRules.map((r) => r.id).sort());
  });

  for (const rc of ruleCases) {
    describe(rc.id, () => {
      it('reports the fake secret with exact metadata, lines and masked match', () => {
        const findings = scanSecrets(target, Buffer.from(rc.content));
        const f = findingFor(findings, rc.id);
        assert.ok(f, `no ${rc.id} finding in ${JSON.stringify(findings.map((x) => x.RuleID))}`);
        const at = rc.content.indexOf(rc.secret);
        const startLine = rc.startLine ?? lineOf(rc.content, at);
        const endLine = rc.endLine ?? startLine;
        assert.equal(f.Category, rc.category);
        assert.equal(f.Severity, rc.severity);
        assert.equal(f.Title, rc.title);
        assert.equal(f.StartLine, startLine);
        assert.equal(f.EndLine, endLine);
        assert.equal(f.Match, expectedMatch(rc));
        assert.equal(f.Offset ?? 0, at);

        const lineCount = rc.content.split('\n').length;
        const numbers = f.Code.Lines.map((l) => l.Number);
        const first = Math.max(1, startLine - 2);
        const last = Math.min(lineCount, endLine + 1);
        assert.deepEqual(
          numbers,
          Array.from({ length: last - first + 1 }, (_, i) => first + i),
        );
        for (const line of f.Code.Lines) {
          assert.equal(line.IsCause, line.Number >= startLine && line.Number <= endLine);
          assert.equal(line.FirstCause, line.Number === startLine);
          assert.equal(line.LastCause, line.Number === endLine);
          assert.equal(line.Highlighted, line.Content);
        }
        const firstCause = f.Code.Lines.find((l) => l.FirstCause)!;
        assert.equal(firstCause.Content, f.Match);

        // The secret itself appears nowhere in the output (each of its lines is checked for multi-line secrets).
        const output = JSON.stringify(f);
        for (const part of rc.secret.split('\n').filter((p) => p.length >= 8)) {
          assert.ok(!output.includes(part), `secret fragment ${part.slice(0, 12)}… leaked`);
        }
      });

      for (const [i, negative] of rc.negatives.entries()) {
        it(`does not report near miss / allowed value #${i + 1}`, () => {
          const findings = scanSecrets(target, Buffer.from(negative));
          assert.equal(
            findingFor(findings, rc.id),
            undefined,
            JSON.stringify(findingFor(findings, rc.id)?.Match),
          );
        });
      }
    });
  }

  it('reports a stateless GitHub App token once, as github-app-token and not as a JWT', () => {
    const header = Buffer.from('{"alg":"RS256"}').toString('base64url');
    const body = Buffer.from('{"iss":"15368","exp":1900000000}').toString('base64url');
    const token = `ghs_15368_${header}.${body}.c2lnbmF0dXJlLW5vdC1yZWFsLWF0LWFsbA`;
    const findings = scanSecrets(target, Buffer.from(`GITHUB_TOKEN=${token}\n`));
    assert.deepEqual(
      findings.map((f) => [f.RuleID, f.Match]),
      [['github-app-token', `GITHUB_TOKEN=${'*'.repeat(token.length)}`]],
    );
  });

  it('finds an Azure storage key inside a full connection string, cutting the long line around it', () => {
    const key = `${'Zm9vYmFy'.repeat(10)}QUJDRE==`;
    const line = `DefaultEndpointsProtocol=https;AccountName=store1;AccountKey=${key};EndpointSuffix=core.windows.net`;
    const [f] = scanSecrets(target, Buffer.from(line));
    assert.equal(f?.RuleID, 'azure-storage-account-key');
    const start = line.indexOf(key);
    const expected = line.slice(start - 30, start + key.length + 20).replace(key, '*'.repeat(key.length));
    assert.equal(f.Match, expected);
  });
});
