/**
 * Secret-scan throughput on three corpora (not a test; run by hand):
 *   node test/scanner/secrets/measure-throughput.ts [DIR]
 *  - plain text with no keyword at all (only the keyword pass runs),
 *  - a realistic mix of config/source lines where common keywords ("key", "password", "sk", "live_") appear
 *    in most chunks and a few real-looking fake secrets sit among them,
 *  - optionally every regular file under DIR (e.g. node_modules), read into memory first.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretScanner } from '../../../src/scanner/secrets/scanner.ts';
import { charsets, fake } from './rule-cases.ts';

const MB = 1024 * 1024;

function timeScan(
  scanner: SecretScanner,
  files: { path: string; content: Buffer }[],
): { mbps: number; findings: number; ms: number } {
  const bytes = files.reduce((n, f) => n + f.content.length, 0);
  const start = performance.now();
  let findings = 0;
  for (const f of files) findings += scanner.scan(f.path, f.content).length;
  const ms = performance.now() - start;
  return { mbps: bytes / MB / (ms / 1000), findings, ms };
}

function plainCorpus(size: number): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'vector', 'matrix', 'tensor', 'lambda', 'theta'];
  const line = `${words.join(' ')} ${words.slice(3).join('_')} 0123456789\n`;
  return Buffer.from(line.repeat(Math.ceil(size / line.length)));
}

function mixedCorpus(size: number): Buffer {
  const lines = [
    'const apiKey = process.env.API_KEY;',
    'if (!user.password) throw new Error("password required");',
    'def risk_score(task, desk):',
    '  "type": "module",',
    'Authorization: Bearer ${TOKEN}',
    'export DB_PASSWORD=${DB_PASSWORD:-changeme}',
    '-----BEGIN CERTIFICATE-----',
    'MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTES',
    '-----END CERTIFICATE-----',
    '<password>${env.REPO_PASS}</password>',
    'stripe.setPublishableKey(pk);  // live_mode toggled in settings',
    'map.set("primary_key", row.id); cache_key = f"{ns}:{key}"',
    'logger.info({ master: true, replicas: 3 }, "cluster ready");',
    'token = jwt.encode(payload, key, algorithm="HS256")',
    'SELECT id, name FROM users WHERE api_key = $1 AND deleted_at IS NULL;',
  ];
  const secrets = [
    () => `AWS_ACCESS_KEY_ID=AKIA${fake(charsets.upperAlnum, 16)}`,
    () => `GITHUB_TOKEN=ghp_${fake(charsets.alnum, 36)}`,
    () => `slack: xoxb-${fake(charsets.alnum, 24)}`,
  ];
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line = i % 997 === 0 ? secrets[i % secrets.length]!() : lines[i % lines.length]!;
    out.push(line);
    length += line.length + 1;
  }
  return Buffer.from(`${out.join('\n')}\n`);
}

async function walk(
  dir: string,
  out: { path: string; content: Buffer }[],
  scanner: SecretScanner,
): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out, scanner);
    else if (entry.isFile()) {
      const size = (await stat(path)).size;
      if (size <= 10 * MB) out.push({ path, content: await readFile(path) });
    }
  }
}

const scanner = new SecretScanner();
const size = 64 * MB;
for (const [name, corpus] of [
  ['no keywords', plainCorpus(size)],
  ['mixed, keywords in every chunk', mixedCorpus(size)],
] as const) {
  const r = timeScan(scanner, [{ path: '/data/corpus.txt', content: corpus }]);
  console.log(
    `${name}: ${(corpus.length / MB).toFixed(0)} MB in ${r.ms.toFixed(0)} ms = ${r.mbps.toFixed(1)} MB/s, ${r.findings} findings`,
  );
}
const dir = process.argv[2];
if (dir !== undefined) {
  const files: { path: string; content: Buffer }[] = [];
  await walk(dir, files, scanner);
  const bytes = files.reduce((n, f) => n + f.content.length, 0);
  // Paths are made neutral so that the built-in allow rules (node_modules, tests, vendor…) do not skip them.
  const neutral = files.map((f, i) => ({
    path: `/data/file${i}${f.path.slice(f.path.lastIndexOf('.'))}`,
    content: f.content,
  }));
  const r = timeScan(scanner, neutral);
  console.log(
    `${dir}: ${files.length} files, ${(bytes / MB).toFixed(0)} MB in ${r.ms.toFixed(0)} ms = ${r.mbps.toFixed(1)} MB/s, ${r.findings} findings`,
  );
}
