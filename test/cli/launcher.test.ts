import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, realpath, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { launcher, runCommand } from '../support/cli.ts';

const run = promisify(execFile);
const packageVersion = (await import('../../package.json', { with: { type: 'json' } })).default.version;

describe('bin/trivy-ts launcher', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-launcher-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('runs from any working directory and prints the package version', async () => {
    const { stdout } = await run(launcher, ['--version'], { cwd: scratch });
    assert.equal(stdout.trim(), packageVersion);
  });

  it('runs through a symlink placed elsewhere (as `npm link` or ~/bin would)', async () => {
    const link = join(scratch, 'trivy-ts');
    await symlink(launcher, link);
    const { stdout } = await run(link, ['--version'], { cwd: '/' });
    assert.equal(stdout.trim(), packageVersion);
  });

  it('runs on the pinned Node 24, not the machine Node', async () => {
    const { stdout } = await run(launcher, ['--help'], { env: { ...process.env, PATH: '/usr/bin:/bin' } });
    assert.match(stdout, /Usage: trivy-ts/);
  });

  it('lists the db commands with their descriptions in --help', async () => {
    const { stdout } = await run(launcher, ['db', '--help']);
    assert.match(stdout, /update\b.*\n?/);
    assert.match(stdout, /info\b/);
    assert.match(stdout, /--cache-dir <dir>/);
  });

  it('fails with a usage hint and exit code 1 on an unknown command', async () => {
    await assert.rejects(run(launcher, ['no-such-command']), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr, /unknown command 'no-such-command'/);
      assert.match(error.stderr, /--help/);
      return true;
    });
  });
});

describe('bin/trivy-ts: bundle or sources', () => {
  let root: string;
  const bundle = () => join(root, 'dist', 'cli', 'main.js');
  const source = () => join(root, 'src', 'cli', 'main.ts');
  /** Stand-ins that say which one ran, in a copy of the checkout's layout around the real launcher. */
  before(async () => {
    root = await fakeCheckout('trivy-ts-launcher-entry-', "console.log('sources');\n");
    await writeFile(join(root, 'package.json'), '{}\n');
    await writeFile(join(root, 'node_modules', '.package-lock.json'), '{}\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const entry = async (env: NodeJS.ProcessEnv = {}) =>
    (await runCommand([join(root, 'bin', 'trivy-ts')], { env })).stdout.trim();
  /** Sets every input of the build to `inputs` seconds ago and the bundle to `built` seconds ago. */
  const age = async (inputs: number, built: number) => {
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);
    for (const path of [source(), dirname(source()), join(root, 'src'), join(root, 'package.json')])
      await utimes(path, at(inputs), at(inputs));
    await utimes(join(root, 'node_modules', '.package-lock.json'), at(inputs), at(inputs));
    await utimes(bundle(), at(built), at(built));
  };

  it('runs the sources when there is no bundle', async () => {
    assert.equal(await entry(), 'sources');
  });

  it('runs the bundle while nothing it was built from is newer', async () => {
    await mkdir(dirname(bundle()), { recursive: true });
    await writeFile(bundle(), "console.log('bundle');\n");
    await age(100, 50);
    assert.equal(await entry(), 'bundle');
    assert.equal(await entry({ TRIVY_TS_FROM_SOURCES: '1' }), 'sources', 'unless told otherwise');
  });

  it('runs the sources once a source file, package.json or the installed packages are newer', async () => {
    for (const newer of [
      source(),
      join(root, 'package.json'),
      join(root, 'node_modules', '.package-lock.json'),
    ]) {
      await age(100, 50);
      await utimes(newer, new Date(), new Date());
      assert.equal(await entry(), 'sources', newer);
    }
    // A file deleted from src touches its directory.
    await age(100, 50);
    await utimes(join(root, 'src'), new Date(), new Date());
    assert.equal(await entry(), 'sources');
    await age(100, 50);
    assert.equal(await entry(), 'bundle');
  });
});

describe('bin/trivy-ts: V8 flags', () => {
  let root: string;
  before(async () => {
    // A stand-in CLI that prints the flags Node was started with.
    root = await fakeCheckout('trivy-ts-launcher-flags-', 'console.log(JSON.stringify(process.execArgv));\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const flags = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
    JSON.parse((await runCommand([join(root, 'bin', 'trivy-ts'), ...args], { env })).stdout) as string[];

  it('gives every command a small young generation, and the operator a heap kept near its live set', async () => {
    const image = await flags(['image', 'x']);
    assert.ok(image.includes('--max-semi-space-size=8'));
    assert.ok(!image.includes('--optimize-for-size'));
    // Only the command counts: an option value or a later argument named `operator` is not the operator.
    for (const args of [
      ['k8s', '-n', 'operator'],
      ['--cache-dir', 'operator', 'image', 'x'],
    ])
      assert.ok(!(await flags(args)).includes('--optimize-for-size'), args.join(' '));
    const operator = await flags(['--cache-dir', '/tmp/x', 'operator', '--kubeconfig', 'k']);
    // The last of a repeated V8 flag wins: the operator keeps a 4 MiB young generation.
    assert.equal(
      operator.findLast((flag) => flag.startsWith('--max-semi-space-size=')),
      '--max-semi-space-size=4',
    );
    assert.ok(operator.includes('--optimize-for-size'));
  });

  it('lets TRIVY_TS_OPERATOR_V8_FLAGS replace the operator flags, or drop them when empty', async () => {
    const replaced = await flags(['operator'], { TRIVY_TS_OPERATOR_V8_FLAGS: '--max-old-space-size=512' });
    assert.ok(replaced.includes('--max-old-space-size=512'));
    assert.ok(!replaced.includes('--optimize-for-size'));
    assert.ok(
      !(await flags(['operator'], { TRIVY_TS_OPERATOR_V8_FLAGS: '' })).includes('--optimize-for-size'),
    );
  });
});

/** A temporary checkout layout around a copy of the real launcher: Node in node_modules/.bin, `main` as the CLI. */
async function fakeCheckout(prefix: string, main: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(root, 'bin'));
  await copyFile(launcher, join(root, 'bin', 'trivy-ts'));
  await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
  await symlink(await realpath(process.execPath), join(root, 'node_modules', '.bin', 'node'));
  await mkdir(join(root, 'src', 'cli'), { recursive: true });
  await writeFile(join(root, 'src', 'cli', 'main.ts'), main);
  return root;
}
