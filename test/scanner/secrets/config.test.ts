import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  loadSecretConfig,
  parseSecretConfig,
  SecretConfigError,
} from '../../../src/scanner/secrets/config.ts';
import { scanSecrets } from '../../../src/scanner/secrets/index.ts';
import { UserFacingError } from '../../../src/util/errors.ts';
import { charsets, fake } from './rule-cases.ts';

const ghp = `ghp_${fake(charsets.alnum, 36)}`;
const akia = `AKIA${fake(charsets.upperAlnum, 16)}`;

const customConfig = `
rules:
  - id: internal-api-token
    category: Internal
    title: Internal API token
    severity: high
    regex: (?i)(?P<key>internal[_-]?token)\\s*[:=]\\s*['"]?(?P<secret>itk_[0-9a-f]{24})
    secret-group-name: secret
    keywords:
      - itk_
    allow-rules:
      - id: sandbox-tokens
        description: tokens of the sandbox tenant
        regex: itk_0{24}
  - id: shell-password
    category: general
    title: Password in shell script
    severity: extreme
    path: .*\\.sh$
    regex: PASSWORD=(?P<secret>\\S{8,})
    secret-group-name: secret
disable-rules:
  - github-pat
allow-rules:
  - id: staging
    description: staging keys are fake
    regex: AKIA0{16}
exclude-block:
  description: ignore the documentation block
  regexes:
    - (?s)--- docs start ---.*?--- docs end ---
skip-patterns:
  - "**/*.log"
`;

describe('parseSecretConfig', () => {
  const config = parseSecretConfig(customConfig, '/etc/trivy-secret.yaml');

  it('adds custom rules (Go RE2 syntax, named groups, inline flags) after the built-ins', () => {
    assert.equal(config.rules.length, 105 - 1 + 2);
    const token = `itk_${fake(charsets.hex, 24)}`;
    const findings = scanSecrets('/app/settings.ini', Buffer.from(`[api]\nINTERNAL_TOKEN = "${token}"\n`), {
      config,
    });
    assert.deepEqual(
      findings.map((f) => [f.RuleID, f.Category, f.Title, f.Severity, f.StartLine, f.Match]),
      [
        [
          'internal-api-token',
          'Internal',
          'Internal API token',
          'HIGH',
          2,
          `INTERNAL_TOKEN = "${'*'.repeat(28)}"`,
        ],
      ],
    );
  });

  it('applies a custom rule allow-rule, path filter, and maps an unknown severity to UNKNOWN', () => {
    const sandbox = `INTERNAL_TOKEN=itk_${'0'.repeat(24)}\n`;
    assert.deepEqual(scanSecrets('/app/a.ini', Buffer.from(sandbox), { config }), []);
    const script = Buffer.from('#!/bin/sh\nPASSWORD=hunter2hunter2\n');
    assert.deepEqual(
      scanSecrets('/app/run.sh', script, { config }).map((f) => [f.RuleID, f.Severity]),
      [['shell-password', 'UNKNOWN']],
    );
    assert.deepEqual(scanSecrets('/app/run.txt', script, { config }), []);
  });

  it('disables rules by ID and adds global allow rules', () => {
    const content = Buffer.from(`A=${ghp}\nB=${akia}\nC=AKIA${'0'.repeat(16)}\n`);
    assert.deepEqual(
      scanSecrets('/app/env', content, { config }).map((f) => [f.RuleID, f.StartLine]),
      [['aws-access-key-id', 2]],
    );
  });

  it('drops findings inside an exclude block only', () => {
    const content = Buffer.from(`--- docs start ---\nB=${akia}\n--- docs end ---\nB=${akia}\n`);
    assert.deepEqual(
      scanSecrets('/app/env', content, { config }).map((f) => f.StartLine),
      [4],
    );
  });

  it('appends skip patterns to the defaults', () => {
    assert.ok(config.skipPatterns.includes('**/*.log'));
    assert.ok(config.skipPatterns.includes('**/node_modules/**'));
    assert.equal(config.configPath, '/etc/trivy-secret.yaml');
  });

  it('enable-builtin-rules keeps only the listed built-ins (custom rules stay)', () => {
    const only = parseSecretConfig(
      'enable-builtin-rules: [aws-access-key-id]\nrules:\n  - id: c\n    regex: zz(?P<secret>[0-9]{6})\n    secret-group-name: secret\n',
    );
    assert.deepEqual(
      only.rules.map((r) => r.id),
      ['aws-access-key-id', 'c'],
    );
    const findings = scanSecrets('/app/env', Buffer.from(`${ghp}\nK=${akia}\nzz123456\n`), { config: only });
    assert.deepEqual(
      findings.map((f) => f.RuleID),
      ['aws-access-key-id', 'c'],
    );
  });

  it('disable-allow-rules re-enables scanning of allow-listed paths', () => {
    const md = Buffer.from(`token: ${ghp}\n`);
    assert.deepEqual(scanSecrets('/app/README.md', md), []);
    const noMarkdown = parseSecretConfig('disable-allow-rules:\n  - markdown\n');
    assert.deepEqual(
      scanSecrets('/app/README.md', md, { config: noMarkdown }).map((f) => f.RuleID),
      ['github-pat'],
    );
  });

  it('treats an empty file or empty keys as the defaults', () => {
    for (const source of ['', '# nothing\n', 'rules:\ndisable-rules:\n']) {
      const cfg = parseSecretConfig(source);
      assert.equal(cfg.rules.length, 105);
      assert.ok(cfg.allowRules.some((r) => r.id === 'tests'));
    }
  });

  it('rejects bad input with errors that name the file and the entry', () => {
    const cases: [string, RegExp][] = [
      ['rules: [unclosed', /cfg\.yaml: not valid YAML/],
      ['rules: not-a-list', /cfg\.yaml: rules: /],
      ['rules:\n  - title: no id\n    regex: abc\n', /cfg\.yaml: rules\.0\.id: /],
      [
        'rules:\n  - id: r1\n    regex: "(?P<secret>[a-z"\n',
        /cfg\.yaml: rule r1: regex: invalid regular expression/,
      ],
      ['rules:\n  - id: r2\n    regex: "(?<=a)b"\n', /rule r2: regex: invalid regular expression/],
      [
        'rules:\n  - id: r3\n    regex: "(?P<tok>x+)"\n    secret-group-name: secret\n',
        /rule r3: secret-group-name "secret" is not a named group/,
      ],
      ['allow-rules:\n  - id: a1\n    path: "["\n', /allow rule a1: path: invalid regular expression/],
      [
        'exclude-block:\n  regexes: ["(unclosed"]\n',
        /exclude-block\.regexes\[0\]: invalid regular expression/,
      ],
    ];
    for (const [source, message] of cases) {
      assert.throws(
        () => parseSecretConfig(source, 'cfg.yaml'),
        (error: unknown) =>
          error instanceof SecretConfigError &&
          error instanceof UserFacingError &&
          message.test(error.message),
        source,
      );
    }
  });
});

describe('loadSecretConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a config file from disk', async () => {
    const path = join(dir, 'trivy-secret.yaml');
    await writeFile(path, 'disable-rules: [aws-access-key-id]\n');
    const config = await loadSecretConfig(path);
    assert.equal(config.rules.length, 104);
    assert.equal(config.configPath, path);
    assert.deepEqual(scanSecrets('/app/env', Buffer.from(`K=${akia}\n`), { config }), []);
  });

  it('falls back to the built-in rules when the file does not exist', async () => {
    const config = await loadSecretConfig(join(dir, 'missing.yaml'));
    assert.equal(config.rules.length, 105);
    assert.equal(config.configPath, undefined);
  });

  it('reports an unreadable path as a user-facing error', async () => {
    await assert.rejects(
      loadSecretConfig(dir),
      (error: unknown) =>
        error instanceof SecretConfigError && /cannot read secret config/.test(error.message),
    );
  });
});

describe('custom rules with non-ASCII patterns', () => {
  it('match UTF-8 content as Go does, with byte offsets and rune-wide dots', () => {
    const config = parseSecretConfig(
      'rules:\n  - id: cle\n    regex: "clé=(?P<secret>.{6})"\n    secret-group-name: secret\n    keywords: [CLÉ]\n',
    );
    const content = Buffer.from('# réglages\nclé=çàéèùô fin\n');
    const [f] = scanSecrets('/app/reglages.conf', content, { config });
    assert.equal(f?.RuleID, 'cle');
    assert.equal(f.Offset, content.indexOf('çàéèùô'));
    assert.equal(f.Match, `clé=${'*'.repeat(12)} fin`);
  });
});

describe('parseSecretConfig on arbitrary input', () => {
  it('returns a config or throws SecretConfigError, nothing else', () => {
    const keys = fc.constantFrom(
      'rules',
      'allow-rules',
      'disable-rules',
      'enable-builtin-rules',
      'exclude-block',
      'id',
      'regex',
    );
    const value = fc.oneof(
      fc.string(),
      fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
      fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 })).map((v) => stringify(v)),
      fc
        .array(
          fc.record({
            id: fc.string(),
            regex: fc.string({ maxLength: 12 }),
            'secret-group-name': fc.string({ maxLength: 3 }),
          }),
        )
        .map((rules) => stringify({ rules })),
    );
    fc.assert(
      fc.property(value, (source) => {
        try {
          const config = parseSecretConfig(source, 'fuzz.yaml');
          assert.ok(config.rules.length >= 0);
        } catch (error) {
          assert.ok(error instanceof SecretConfigError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('custom rules that can match nothing', () => {
  it('report no empty secrets', () => {
    const config = parseSecretConfig('rules:\n  - id: greedy\n    regex: "z*"\n');
    const findings = scanSecrets('/app/a.txt', Buffer.from('abc zzz def\n'.repeat(1000)), { config });
    assert.deepEqual(
      [...new Set(findings.map((f) => [f.RuleID, f.Match].join(' ')))],
      ['greedy abc *** def'],
    );
    assert.equal(findings.length, 1000);
  });
});
