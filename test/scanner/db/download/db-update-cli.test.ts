/** `trivy-ts db update` end to end: the real CLI as a child process against docker-registry. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BoltDb } from '../../../../src/scanner/db/bbolt/index.ts';
import { ensureDb } from '../../../../src/scanner/db/download/ensure-db.ts';
import { chainCredentials } from '../../../../src/scanner/registry/credentials.ts';
import {
  pushDbArtifact,
  startFaultProxy,
  startRegistry,
  type FaultAction,
  type FaultProxy,
  type RunningRegistry,
} from '../../../support/registry.ts';
import { buildTrivyDbLayer, realisticTrivyDbFixture } from '../../../support/trivy-db-fixture.ts';
import { buildDbLayer, sampleDbTree, SAMPLE_ADVISORY, SAMPLE_VULN_ID } from './db-artifact.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../bin/trivy-ts');

let registry: RunningRegistry;
let proxy: FaultProxy;
let root: string;
const children = new Set<ChildProcess>();

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(
  args: string[],
  input?: string,
  program = BIN,
): { child: ChildProcess; done: Promise<RunResult> } {
  // A HOME without Docker credentials, so the user's config never leaks into the test.
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: root, DOCKER_CONFIG: join(root, 'no-docker') };
  delete env.TRIVY_TS_CACHE_DIR;
  const child = spawn(program, args, {
    env,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(input);
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<RunResult>((resolveRun) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

function run(args: string[], input?: string): Promise<RunResult> {
  return start(args, input).done;
}

/** Runs another program with the same environment as the CLI gets. */
function runProgram(program: string, args: string[]): Promise<RunResult> {
  return start(args, undefined, program).done;
}

function update(cacheDir: string, repository: string, ...extra: string[]): string[] {
  return ['db', 'update', '--db-repository', repository, '--insecure', '--cache-dir', cacheDir, ...extra];
}

function lookupAdvisory(cacheDir: string): { advisory: unknown; title: unknown } {
  const db = BoltDb.open(join(cacheDir, 'db', 'trivy.db'));
  try {
    const advisory = db.root().bucket('debian 12')?.bucket('openssl')?.get(SAMPLE_VULN_ID);
    const vuln = db.root().bucket('vulnerability')?.get(SAMPLE_VULN_ID);
    return {
      advisory: advisory && JSON.parse(advisory.toString('utf8')),
      title: vuln && (JSON.parse(vuln.toString('utf8')) as { Title: string }).Title,
    };
  } finally {
    db.close();
  }
}

const layerGets = (): number => proxy.requests.filter((r) => /\/blobs\/sha256:/.test(r.path)).length;

before(async () => {
  registry = await startRegistry();
  root = await mkdtemp(join(tmpdir(), 'trivy-ts-dbupdate-'));
  await pushDbArtifact(
    { url: registry.url, repository: 'trivy-db' },
    '2',
    await buildDbLayer({ tree: sampleDbTree('v1') }),
  );
  await pushDbArtifact(
    { url: registry.url, repository: 'trivy-db-next' },
    '2',
    await buildDbLayer({ tree: sampleDbTree('v2') }),
    { form: 'config' },
  );
  await pushDbArtifact(
    { url: registry.url, repository: 'aquasecurity/trivy-db' },
    '2',
    await buildTrivyDbLayer(realisticTrivyDbFixture()),
  );
  proxy = await startFaultProxy(registry.url);
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await proxy?.stop();
  await registry?.stop();
  await rm(root, { recursive: true, force: true });
});

// Cases run one after another: each starts CLI processes, and the machine's cores are shared.
describe('trivy-ts db update', () => {
  it('downloads the DB from the given repository into the cache dir; the advisory can be looked up', async () => {
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    const result = await run(update(cacheDir, `${registry.host}/aquasecurity/trivy-db:2`));
    assert.equal(result.code, 0, result.stderr);
    const db = BoltDb.open(join(cacheDir, 'db', 'trivy.db'));
    try {
      const advisory = db.root().bucket('debian 12')?.bucket('openssl')?.get('CVE-2024-0727');
      assert.deepEqual(JSON.parse(advisory?.toString('utf8') ?? 'null'), {
        FixedVersion: '3.0.13-1~deb12u1',
      });
      assert.ok(db.root().bucket('data-source')?.get('debian 12'), 'data source of the advisory bucket');
    } finally {
      db.close();
    }
    const metadata = JSON.parse(await readFile(join(cacheDir, 'db', 'metadata.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(metadata.Version, 2);
    assert.ok(Date.now() - Date.parse(String(metadata.DownloadedAt)) < 60_000);
    // stderr is not a TTY here: a log line at start and one at the end, no bar
    assert.match(result.stderr, /Downloading vulnerability DB: started/);
    assert.match(result.stderr, /Downloading vulnerability DB: done/);
    assert.doesNotMatch(result.stderr, /\r/);

    const again = await run([...update(cacheDir, `${registry.host}/aquasecurity/trivy-db:2`), '--quiet']);
    assert.equal(again.code, 0);
    assert.equal(again.stderr, '', '--quiet and nothing to do: silent');
  });

  it('runs two concurrent updates with a single download', async () => {
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    const before = layerGets();
    const results = await Promise.all([
      run(update(cacheDir, `${proxy.host}/trivy-db`)),
      run(update(cacheDir, `${proxy.host}/trivy-db`)),
    ]);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.equal(layerGets() - before, 1);
    assert.equal(lookupAdvisory(cacheDir).title, 'openssl: sample (v1)');
  });

  it('leaves the previous DB intact and usable when killed mid-download', async () => {
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    assert.equal((await run(update(cacheDir, `${registry.host}/trivy-db`))).code, 0);
    const previousDb = await readFile(join(cacheDir, 'db', 'trivy.db'));
    const previousMeta = await readFile(join(cacheDir, 'db', 'metadata.json'), 'utf8');

    let victim: ChildProcess | undefined;
    const stalling = await startFaultProxy(registry.url, (r) =>
      /\/blobs\/sha256:/.test(r.path)
        ? { stallAfter: 200, onStall: () => victim?.kill('SIGKILL') }
        : undefined,
    );
    try {
      const crashing = start(update(cacheDir, `${stalling.host}/trivy-db-next`, '--force'));
      victim = crashing.child;
      const result = await crashing.done;
      assert.equal(result.signal, 'SIGKILL');
    } finally {
      await stalling.stop();
    }
    const leftovers = await readdir(join(cacheDir, 'db'));
    assert.ok(
      leftovers.some((name) => name.startsWith('.download-')),
      `staging dir expected in ${leftovers.join()}`,
    );
    assert.deepEqual(await readFile(join(cacheDir, 'db', 'trivy.db')), previousDb);
    assert.equal(await readFile(join(cacheDir, 'db', 'metadata.json'), 'utf8'), previousMeta);
    assert.deepEqual(lookupAdvisory(cacheDir).advisory, SAMPLE_ADVISORY);

    // The next updater takes over the dead process's lock once it is stale and removes its leftovers.
    const status = await ensureDb({
      cacheDir,
      repositories: [`${registry.host}/trivy-db-next`],
      insecure: true,
      force: true,
      credentialStore: chainCredentials(),
      lockStaleMs: 5_000,
    });
    assert.equal(status.downloaded, true);
    assert.deepEqual((await readdir(join(cacheDir, 'db'))).sort(), ['metadata.json', 'trivy.db']);
    assert.equal(lookupAdvisory(cacheDir).title, 'openssl: sample (v2)');
  });

  it('waits out 429 Too Many Requests (Retry-After) on the manifest and the blob, then succeeds', async () => {
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    const limited: { path: string; at: number }[] = [];
    const served: { path: string; at: number }[] = [];
    const limiting = await startFaultProxy(registry.url, (r) => {
      const interesting = /\/(manifests|blobs)\//.test(r.path);
      if (interesting && r.seen === 1) {
        limited.push({ path: r.path, at: Date.now() });
        return {
          respond: {
            status: 429,
            headers: { 'retry-after': '1', 'content-type': 'application/json' },
            body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit"}]}',
          },
        };
      }
      if (interesting) served.push({ path: r.path, at: Date.now() });
      return undefined;
    });
    try {
      const result = await run(update(cacheDir, `${limiting.host}/trivy-db`));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        limited.map((l) => l.path.split('/')[3]),
        ['manifests', 'blobs'],
        'one 429 for the manifest, one for the layer blob',
      );
      for (const hit of limited) {
        const retry = served.find((s) => s.path === hit.path);
        assert.ok(retry, `${hit.path} was asked for again`);
        assert.ok(retry.at - hit.at >= 900, `retried after ${retry.at - hit.at} ms, Retry-After was 1 s`);
      }
      assert.equal(lookupAdvisory(cacheDir).title, 'openssl: sample (v1)');
    } finally {
      await limiting.stop();
    }
  });

  it('fails on a truncated or corrupted layer with a clear message, keeping the installed DB', async () => {
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    assert.equal((await run(update(cacheDir, `${registry.host}/trivy-db`))).code, 0);
    const before = await readFile(join(cacheDir, 'db', 'trivy.db'));
    const cases: [string, FaultAction, RegExp][] = [
      ['truncated', { truncateAfter: 100 }, /could not download the vulnerability DB.*(truncated|broke)/s],
      [
        'corrupted',
        { corruptByteAt: 50 },
        /cannot download the vulnerability DB from .*digest .*not the expected one/s,
      ],
    ];
    for (const [what, action, message] of cases) {
      const faulty = await startFaultProxy(registry.url, (r) =>
        /\/blobs\/sha256:/.test(r.path) ? action : undefined,
      );
      try {
        const result = await run(update(cacheDir, `${faulty.host}/trivy-db-next`, '--force'));
        assert.equal(result.code, 1, `${what}: ${result.stderr}`);
        assert.match(result.stderr, message, what);
        assert.doesNotMatch(result.stderr, /\n\s+at /, `${what}: no stack trace`);
      } finally {
        await faulty.stop();
      }
      assert.deepEqual(await readFile(join(cacheDir, 'db', 'trivy.db')), before, `${what}: DB untouched`);
      assert.deepEqual((await readdir(join(cacheDir, 'db'))).sort(), ['metadata.json', 'trivy.db']);
    }
    assert.equal(lookupAdvisory(cacheDir).title, 'openssl: sample (v1)');
  });

  it('draws a progress bar (bytes, rate) when stderr is a terminal', async () => {
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    const command = [BIN, ...update(cacheDir, `${registry.host}/aquasecurity/trivy-db:2`)]
      .map((arg) => `'${arg}'`)
      .join(' ');
    // util-linux script(1) runs the command on a pseudo-terminal and copies what it shows to stdout.
    const result = await runProgram('script', [
      '--quiet',
      '--return',
      '--flush',
      '--command',
      command,
      '/dev/null',
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /\rDownloading vulnerability DB {2}[\d.]+ KiB \/ [\d.]+ KiB {2}100% {2}[\d.]+ (B|KiB|MiB)\/s {2}in \d+s/,
    );
    assert.doesNotMatch(
      result.stdout,
      /Downloading vulnerability DB: started/,
      'the bar replaces the start log line',
    );
    assert.equal(lookupAdvisory(cacheDir).advisory !== undefined, true);
  });

  it('logs in with --username and --password-stdin', async () => {
    const user = { username: 'cli-user', password: 'cli-pass-789' };
    const secured = await startRegistry({ htpasswd: user });
    try {
      await pushDbArtifact(
        { url: secured.url, repository: 'trivy-db', basicAuth: user },
        '2',
        await buildDbLayer(),
      );
      const cacheDir = await mkdtemp(join(root, 'cache-'));
      const denied = await run(update(cacheDir, `${secured.host}/trivy-db`));
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /HTTP 401/);
      assert.match(denied.stderr, /hint: .*--username\/--password/);
      const result = await run(
        [...update(cacheDir, `${secured.host}/trivy-db`), '--username', user.username, '--password-stdin'],
        `${user.password}\n`,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(denied.stderr + result.stderr, /cli-pass-789/);
      assert.deepEqual(lookupAdvisory(cacheDir).advisory, SAMPLE_ADVISORY);
    } finally {
      await secured.stop();
    }
  });

  it('fails with a clear message and hint for a missing repository', async () => {
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    const result = await run(update(cacheDir, `${registry.host}/missing/trivy-db`));
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /cannot download the vulnerability DB from 127\.0\.0\.1:\d+\/missing\/trivy-db:2/,
    );
    assert.match(result.stderr, /hint: check --db-repository/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace for a user-facing error');
  });

  it('documents its options in --help', async () => {
    const result = await run(['db', 'update', '--help']);
    assert.equal(result.code, 0);
    for (const option of [
      '--db-repository',
      '--insecure',
      '--username',
      '--password',
      '--password-stdin',
      '--force',
      '--cache-dir',
    ]) {
      assert.ok(result.stdout.includes(option), `${option} missing from --help`);
    }
  });
});
