import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { builtinRules } from '../../../src/scanner/secrets/builtin-rules.ts';
import { isBinaryContent, isSecretScanSkipped, scanSecrets } from '../../../src/scanner/secrets/index.ts';
import { NativePattern } from '../../../src/scanner/secrets/pattern.ts';
import { defaultSecretScannerConfig, SecretScanner } from '../../../src/scanner/secrets/scanner.ts';
import type { PatternMatch, SecretPattern, SecretRule } from '../../../src/scanner/secrets/types.ts';
import { charsets, fake } from './rule-cases.ts';

const ghp = (): string => `ghp_${fake(charsets.alnum, 36)}`;
const akia = (): string => `AKIA${fake(charsets.upperAlnum, 16)}`;
const stars = (s: string): string => '*'.repeat(s.length);

describe('SecretScanner.scan', () => {
  it('masks every secret of a line in every finding and sorts by rule then match', () => {
    const pat = ghp();
    const key = akia();
    const content = `# deploy settings\nGITHUB_PAT=${pat} AWS_ACCESS_KEY_ID=${key}\nregion=eu-west-1\n`;
    const findings = scanSecrets('/etc/deploy.conf', Buffer.from(content));
    const masked = `GITHUB_PAT=${stars(pat)} AWS_ACCESS_KEY_ID=${stars(key)}`;
    assert.deepEqual(
      findings.map((f) => [f.RuleID, f.StartLine, f.EndLine, f.Match, f.Offset]),
      [
        ['aws-access-key-id', 2, 2, masked, content.indexOf(key)],
        ['github-pat', 2, 2, masked, content.indexOf(pat)],
      ],
    );
    assert.deepEqual(findings[0]!.Code.Lines, [
      {
        Number: 1,
        Content: '# deploy settings',
        IsCause: false,
        Annotation: '',
        Truncated: false,
        Highlighted: '# deploy settings',
        FirstCause: false,
        LastCause: false,
      },
      {
        Number: 2,
        Content: masked,
        IsCause: true,
        Annotation: '',
        Truncated: false,
        Highlighted: masked,
        FirstCause: true,
        LastCause: true,
      },
      {
        Number: 3,
        Content: 'region=eu-west-1',
        IsCause: false,
        Annotation: '',
        Truncated: false,
        Highlighted: 'region=eu-west-1',
        FirstCause: false,
        LastCause: false,
      },
    ]);
  });

  it('cuts long lines: the cause line to 30 bytes before and 20 after the secret, others to 100 bytes', () => {
    const pat = ghp();
    const before = `${'x'.repeat(149)} `;
    const after = 'y'.repeat(80);
    const neighbour = 'n'.repeat(130);
    const content = `${neighbour}\n${before}${pat}${after}\n`;
    const [f] = scanSecrets('/app/settings.txt', Buffer.from(content));
    assert.ok(f);
    const expected = `${'x'.repeat(29)} ${stars(pat)}${'y'.repeat(20)}`;
    assert.equal(f.Match, expected);
    assert.deepEqual(
      f.Code.Lines.map((l) => [l.Number, l.Content]),
      [
        [1, 'n'.repeat(100)],
        [2, expected],
        [3, ''],
      ],
    );
  });

  it('drops carriage returns from displayed lines and counts lines by \\n only', () => {
    const pat = ghp();
    const content = `first\r\nTOKEN=${pat}\r\nlast\r\n`;
    const [f] = scanSecrets('/app/win.env', Buffer.from(content));
    assert.equal(f?.StartLine, 2);
    assert.equal(f.Match, `TOKEN=${stars(pat)}`);
    assert.deepEqual(
      f.Code.Lines.map((l) => l.Content),
      ['first', `TOKEN=${stars(pat)}`, 'last'],
    );
  });

  it('replaces invalid UTF-8 around a secret instead of failing', () => {
    const pat = ghp();
    const content = Buffer.concat([
      Buffer.from('caf'),
      Buffer.from([0xc3]),
      Buffer.from(` ${pat} \u00e9t\u00e9`),
    ]);
    const [f] = scanSecrets('/app/notes.txt', content);
    assert.equal(f?.Match, `caf\uFFFD ${stars(pat)} \u00e9t\u00e9`);
  });

  it('skips binary content but scans a file whose control bytes come after the first 300', () => {
    const pat = ghp();
    const binary = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]),
      Buffer.from(` TOKEN=${pat}\n`),
    ]);
    assert.deepEqual(scanSecrets('/usr/bin/tool', binary), []);
    const late = Buffer.concat([Buffer.from(`${'z'.repeat(300)}\nTOKEN=${pat}\n`), Buffer.from([0x00])]);
    assert.deepEqual(
      scanSecrets('/app/data.txt', late).map((f) => f.RuleID),
      ['github-pat'],
    );
  });

  it('scans printable strings of .pyc files and reports them without code', () => {
    const pat = ghp();
    const pyc = Buffer.concat([
      Buffer.from([0x6f, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]),
      Buffer.from(`\u00e3\u0000\u0000\u0000ghp_x\u0001TOKEN=${pat}\u0002`, 'latin1'),
    ]);
    const findings = scanSecrets('/app/__pycache__/settings.cpython-312.pyc', pyc);
    assert.deepEqual(findings, [
      {
        RuleID: 'github-pat',
        Category: 'GitHub',
        Severity: 'CRITICAL',
        Title: 'GitHub Personal Access Token',
        StartLine: 2,
        EndLine: 2,
        Code: { Lines: [] },
        Match:
          'Binary file "/app/__pycache__/settings.cpython-312.pyc" matches a rule "GitHub Personal Access Token"',
        Offset: 12,
      },
    ]);
  });

  it('honours the global allow rules on the path and on the matched text', () => {
    const content = Buffer.from(`TOKEN=${ghp()}\n`);
    for (const path of [
      '/app/tests/fixtures.env',
      '/src/app_test/x.env',
      '/go/src/app/vendor/lib/conf.env',
      '/app/docs/README.md',
      '/app/examples/settings.env',
      '/app/config/locales/en.yml',
      '/srv/site/pkg.dist-info/METADATA',
      'usr/share/doc/x.txt',
      '/usr/share/doc/y.txt',
      'usr/local/lib/python3.12/site-packages/x.py',
      'opt/yarn-v1.22.19/lib/cli.js',
      'var/log/anaconda/program.log',
    ]) {
      assert.deepEqual(scanSecrets(path, content), [], path);
    }
    assert.equal(scanSecrets('/app/config/settings.env', content).length, 1);
  });

  it('reports secrets across chunk boundaries once, with file-wide line numbers and offsets', () => {
    const scanner = new SecretScanner(defaultSecretScannerConfig(), { chunkSize: 1024, overlap: 128 });
    const whole = new SecretScanner(defaultSecretScannerConfig(), { chunkSize: 1 << 20, overlap: 4096 });
    const lines: string[] = [];
    const secrets: { token: string; line: number }[] = [];
    for (let i = 1; i <= 400; i++) {
      if (i % 37 === 0) {
        const token = ghp();
        secrets.push({ token, line: i });
        lines.push(`export TOKEN_${i}=${token}`);
      } else {
        lines.push(`line ${i}: ${fake(charsets.lower, 10 + (i % 23))}`);
      }
    }
    const content = Buffer.from(`${lines.join('\n')}\n`);
    const chunked = scanner.scan('/app/env.sh', content);
    const reference = whole.scan('/app/env.sh', content);
    const expected = secrets
      .map((s) => ({ line: s.line, offset: content.indexOf(s.token) }))
      .sort((a, b) => a.line - b.line);
    const got = chunked.map((f) => ({ line: f.StartLine, offset: f.Offset })).sort((a, b) => a.line - b.line);
    assert.deepEqual(got, expected);
    assert.deepEqual(
      chunked.map((f) => [f.StartLine, f.Match]),
      reference.map((f) => [f.StartLine, f.Match]),
    );
  });

  it('finds a secret that straddles the end of a chunk in the next, overlapping chunk', () => {
    const scanner = new SecretScanner(defaultSecretScannerConfig(), { chunkSize: 512, overlap: 64 });
    const pat = ghp();
    const prefix = 'p'.repeat(486);
    const content = Buffer.from(`${prefix}\nT=${pat}\n${'q'.repeat(300)}\n`);
    const findings = scanner.scan('/app/x.env', content);
    assert.deepEqual(
      findings.map((f) => [f.RuleID, f.StartLine, f.Offset, f.Match]),
      [['github-pat', 2, content.indexOf(pat), `T=${stars(pat)}`]],
    );
  });

  it('applies rule path filters and rule-level allow paths', () => {
    const markdownOnly: SecretRule = {
      ...builtinRules.find((r) => r.id === 'github-pat')!,
      id: 'markdown-only-pat',
      path: new NativePattern('\\.md$'),
      allowRules: [{ id: 'no-vendored', path: new NativePattern('/vendor/') }],
    };
    const scanner = new SecretScanner({
      ...defaultSecretScannerConfig(),
      rules: [markdownOnly],
      allowRules: [],
    });
    const content = Buffer.from(`TOKEN=${ghp()}\n`);
    assert.equal(scanner.scan('/app/notes.md', content).length, 1);
    assert.equal(scanner.scan('/app/notes.txt', content).length, 0);
    assert.equal(scanner.scan('/app/vendor/notes.md', content).length, 0);
  });

  it('never runs a rule whose keywords are absent (keyword pre-filter)', () => {
    let calls = 0;
    const spy: SecretPattern = {
      source: 'spy',
      matchAll(): Iterable<PatternMatch> {
        calls++;
        return [];
      },
      test: () => false,
    };
    const rule: SecretRule = {
      id: 'spy',
      category: 'x',
      title: 'x',
      severity: 'LOW',
      regex: spy,
      keywords: ['ZqXv'],
      allowRules: [],
    };
    const scanner = new SecretScanner(
      { ...defaultSecretScannerConfig(), rules: [rule] },
      { chunkSize: 4096, overlap: 256 },
    );
    scanner.scan('/app/a.txt', Buffer.from('lorem ipsum '.repeat(2000)));
    assert.equal(calls, 0);
    const text = `${'lorem ipsum '.repeat(1000)}zQxV${'lorem ipsum '.repeat(1000)}`;
    scanner.scan('/app/a.txt', Buffer.from(text));
    // Only the chunks holding the keyword (case-insensitively) ran the rule: one, or two if in an overlap.
    assert.ok(calls >= 1 && calls <= 2, `calls=${calls}`);
  });

  it('scans 50 MB of text without keywords quickly', () => {
    const words = [
      'alpha',
      'beta',
      'gamma',
      'delta',
      'omega',
      'vector',
      'matrix',
      'tensor',
      'lambda',
      'theta',
    ];
    const line = `${words.join(' ')} ${words.slice(3).join('_')} 0123456789\n`;
    const content = Buffer.from(line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)));
    const scanner = new SecretScanner();
    const start = performance.now();
    const findings = scanner.scan('/data/corpus.txt', content);
    const ms = performance.now() - start;
    assert.deepEqual(findings, []);
    // Reference: one trivial JS pass over the same bytes, timed on the same (possibly busy) machine. The keyword
    // pass costs a few of those (~0.2 s for 50 MB when idle); running the 105 regexes would cost hundreds.
    const baselineStart = performance.now();
    let sum = 0;
    for (let i = 0; i < content.length; i++) sum += content[i]!;
    const baselineMs = performance.now() - baselineStart;
    assert.ok(sum > 0);
    assert.ok(
      ms < Math.max(5000, 25 * baselineMs),
      `took ${ms.toFixed(0)} ms (byte loop ${baselineMs.toFixed(0)} ms)`,
    );
  });

  it('never throws on arbitrary content and keeps findings within the file', () => {
    const pieces = [
      'ghp_',
      'AKIA',
      'key',
      ' = "',
      '"',
      '\n',
      '\r\n',
      '-----BEGIN RSA PRIVATE KEY-----',
      '-----END RSA PRIVATE KEY-----',
      'eyJ',
      '.ey',
      'aws_secret_access_key=',
      'facebook_token: ',
      'T3BlbkFJ',
      '8Q~',
      '<password>',
      '</password>',
      'sk-proj-',
      'example',
    ];
    const token = fc.oneof(
      fc.constantFrom(...pieces),
      fc.string({ unit: fc.constantFrom(...charsets.base64, ' ', '\t', '=', '-', '_'), maxLength: 60 }),
      fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    const scanner = new SecretScanner(defaultSecretScannerConfig(), { chunkSize: 512, overlap: 96 });
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 80 }),
        fc.constantFrom('/app/a.env', '/app/b.pyc'),
        (parts, path) => {
          const content = Buffer.from(parts.join(''), 'latin1');
          const lineCount = content.toString('latin1').split('\n').length;
          for (const s of [scanner, undefined]) {
            const findings = s === undefined ? scanSecrets(path, content) : s.scan(path, content);
            for (const f of findings) {
              assert.ok(f.StartLine >= 1 && f.StartLine <= f.EndLine);
              if (path.endsWith('.pyc') && isBinaryContent(content)) {
                assert.deepEqual(f.Code.Lines, []);
                continue;
              }
              assert.ok(f.EndLine <= lineCount);
              assert.ok((f.Offset ?? 0) < content.length);
              for (const l of f.Code.Lines) assert.ok(l.Number >= 1 && l.Number <= lineCount);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SecretScanner.skipsContent', () => {
  const scanner = new SecretScanner();
  it('lets a caller skip what scan would find nothing in: binary heads and allow-listed paths', () => {
    const elf = Buffer.from('\u007fELF\u0002\u0001\u0001\u0000 GITHUB_TOKEN=' + ghp(), 'latin1');
    assert.equal(scanner.skipsContent('/usr/bin/tool', elf), true);
    assert.deepEqual(scanner.scan('/usr/bin/tool', elf), []);
    assert.equal(scanner.skipsContent('/app/module.pyc', elf), false, '.pyc strings are scanned');
    const text = Buffer.from(`GITHUB_TOKEN=${ghp()}\n`);
    assert.equal(scanner.skipsContent('/app/.env', text), false);
    assert.equal(scanner.scan('/app/.env', text).length, 1);
    assert.equal(scanner.skipsContent('/app/examples/.env', text), true, 'examples are allow-listed');
    assert.deepEqual(scanner.scan('/app/examples/.env', text), []);
  });
});

describe('isSecretScanSkipped', () => {
  it('skips lock files, dependency trees, VCS data, binary formats and allow-listed paths', () => {
    for (const path of [
      '.git/config',
      'src/app/.git/objects/ab/cdef',
      'app/node_modules/left-pad/index.js',
      'app/package-lock.json',
      'app/yarn.lock',
      'go.sum',
      'img/logo.png',
      'pkg/archive.tar',
      'usr/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/share/zoneinfo/UTC',
      'usr/local/go/src/net/http/server.go',
      'usr/lib/gems/3.1.0/gems/rack/x.rb',
      'app/tests/x.py',
    ]) {
      assert.equal(isSecretScanSkipped(path), true, path);
    }
    for (const path of ['app/main.py', 'etc/app/config.yaml', '/root/.aws/credentials', 'home/app/.npmrc']) {
      assert.equal(isSecretScanSkipped(path), false, path);
    }
  });

  it('required() also wants at least 10 bytes and never the secret config itself', () => {
    const scanner = new SecretScanner({ ...defaultSecretScannerConfig(), configPath: 'trivy-secret.yaml' });
    assert.equal(scanner.required('app/config.yaml', 9), false);
    assert.equal(scanner.required('app/config.yaml', 10), true);
    assert.equal(scanner.required('/trivy-secret.yaml', 500), false);
  });
});

describe('SecretScanner.scanStream', () => {
  const small = new SecretScanner(defaultSecretScannerConfig(), { chunkSize: 512, overlap: 100 });

  async function* pieces(content: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
    let at = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      const end = Math.min(cut, content.length);
      if (end > at) yield content.subarray(at, end);
      at = Math.max(at, end);
    }
    if (at < content.length) yield content.subarray(at);
  }

  it('gives exactly what scan gives, however the content is split', async () => {
    const line = fc.oneof(
      fc.constant(''),
      fc.constantFrom('# comment', 'x=1', '-----BEGIN RSA PRIVATE KEY-----', '\u0000'),
      fc.constant(null).map(() => `GITHUB_TOKEN=${ghp()}`),
      fc.constant(null).map(() => `AWS_ACCESS_KEY_ID=${akia()}`),
      fc.string({ unit: fc.constantFrom(...charsets.base64, ' '), maxLength: 120 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 60 }),
        fc.array(fc.nat({ max: 8000 }), { maxLength: 12 }),
        fc.constantFrom('/app/a.env', '/app/m.pyc'),
        async (lines, cuts, path) => {
          const content = Buffer.from(lines.join('\n'));
          const streamed = await small.scanStream(path, pieces(content, cuts));
          assert.deepEqual(streamed, small.scan(path, content));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('scans a file stream with bounded pieces and matches the whole-buffer scan', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secret-stream-'));
    try {
      const parts: string[] = [];
      for (let i = 0; i < 60_000; i++) {
        parts.push(i % 9_973 === 0 ? `token_${i}=${ghp()}` : `row ${i}: ${fake(charsets.lower, 30)}`);
      }
      const path = join(dir, 'big.log.txt');
      await writeFile(path, parts.join('\n'));
      const scanner = new SecretScanner();
      const streamed = await scanner.scanStream(
        '/var/data/big.txt',
        createReadStream(path, { highWaterMark: 7_777 }),
      );
      const whole = scanner.scan('/var/data/big.txt', await readFile(path));
      assert.equal(streamed.length, 7);
      assert.deepEqual(streamed, whole);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops reading a binary file early and releases the source', async () => {
    let released = false;
    let served = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 1000; i++) {
          served++;
          yield Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, ...Buffer.from(`x=${ghp()}`)]);
        }
      } finally {
        released = true;
      }
    }
    assert.deepEqual(await new SecretScanner().scanStream('/usr/bin/app', source()), []);
    assert.equal(released, true);
    assert.ok(served < 20, `read ${served} pieces`);
  });
});
