import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const launcher = fileURLToPath(new URL('../../bin/trivy-ts', import.meta.url));
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
