import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { waitUntil } from './testing.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const OWN_IMAGE = 'registry.example.com/security/trivy-ts:1.2.3';
const DIGEST = `sha256:${'ef'.repeat(32)}`;
const version = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
  .version as string;

let dir: string;
let server: ReturnType<typeof spawn>;
let kubeconfig: string;

const kubectl = async (...args: string[]): Promise<string> =>
  (
    await run('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') },
      timeout: 60_000,
    })
  ).stdout;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
  server = spawn(
    process.execPath,
    [CLI, '--dir', join(dir, 'cfg'), '--own-image', OWN_IMAGE, '--image-digest', `nginx:1.25=${DIGEST}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  server.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  await waitUntil(() => /^kubeconfig: (.+)$/m.test(out), 30_000, 'the emulator to print its kubeconfig');
  kubeconfig = /^kubeconfig: (.+)$/m.exec(out)![1]!;
});

after(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

test('npm run emulator: a cluster for kubectl, with the own image and digests given on the command line', async () => {
  assert.equal(kubeconfig, join(dir, 'cfg', 'kubeconfig'));
  assert.match(await kubectl('get', 'nodes', '-o', 'name'), /^node\/node-1$/m);
  const manifest = join(dir, 'workloads.yaml');
  await writeFile(
    manifest,
    [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'version' },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'main', image: OWN_IMAGE, args: ['--version'] }],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web' },
        spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
      },
    ]
      .map((o) => stringify(o))
      .join('---\n'),
  );
  await kubectl('apply', '-f', manifest);
  await kubectl('wait', '--for=condition=complete', 'job/version', '--timeout=60s');
  assert.equal((await kubectl('logs', 'job/version')).trim(), version);
  await kubectl('wait', '--for=jsonpath={.status.phase}=Running', 'pod/web', '--timeout=60s');
  assert.equal(
    await kubectl('get', 'pod', 'web', '-o', 'jsonpath={.status.containerStatuses[0].imageID}'),
    `docker.io/library/nginx@${DIGEST}`,
  );

  server.kill('SIGTERM');
  const [code] = (await once(server, 'exit')) as [number | null];
  assert.equal(code, 0, 'a clean shutdown on SIGTERM');
  assert.ok(existsSync(kubeconfig), 'the kubeconfig stays in the directory it was asked to use');
});

test('bad flags get a clear message and exit code 2', async () => {
  const bad = await run(process.execPath, [CLI, '--image-digest', 'nginx'], { timeout: 30_000 }).catch(
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal((bad as { code: number }).code, 2);
  assert.match(
    (bad as { stderr: string }).stderr,
    /--image-digest takes REF=sha256:<64 hex digits>, got "nginx"/,
  );
});
