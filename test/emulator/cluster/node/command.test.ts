import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOwnImage, resolveCommand, type CommandRules } from './command.ts';

const rules: CommandRules = {
  ownImage: 'ghcr.io/trivy-ts/trivy-ts:dev',
  cliPath: '/repo/bin/trivy-ts',
  hostCommands: { sleep: '/bin/sleep' },
};

test('our CLI runs for no command (the entrypoint), `trivy-ts`/`trivy` in any directory', () => {
  assert.deepEqual(resolveCommand({ name: 'c', args: ['--version'] }, rules), {
    argv: ['/repo/bin/trivy-ts', '--version'],
  });
  assert.deepEqual(
    resolveCommand({ name: 'c', command: ['/usr/local/bin/trivy-ts', 'image'], args: ['nginx'] }, rules),
    {
      argv: ['/repo/bin/trivy-ts', 'image', 'nginx'],
    },
  );
  assert.deepEqual(resolveCommand({ name: 'c', command: ['trivy', '--quiet'] }, rules), {
    argv: ['/repo/bin/trivy-ts', '--quiet'],
  });
});

test('listed host commands run; anything else fails to start like a missing executable', () => {
  assert.deepEqual(resolveCommand({ name: 'c', command: ['sleep', '5'] }, rules), {
    argv: ['/bin/sleep', '5'],
  });
  const missing = resolveCommand({ name: 'c', command: ['/bin/rm', '-rf', '/'] }, rules);
  assert.ok('error' in missing);
  assert.match(missing.error, /exec: "\/bin\/rm": executable file not found in \$PATH/);
});

test('own image matching: tag must match when configured, any tag when not', () => {
  assert.ok(isOwnImage('ghcr.io/trivy-ts/trivy-ts:dev', rules.ownImage));
  assert.ok(!isOwnImage('ghcr.io/trivy-ts/trivy-ts:0.1.0', rules.ownImage));
  assert.ok(isOwnImage('ghcr.io/trivy-ts/trivy-ts:0.1.0', 'ghcr.io/trivy-ts/trivy-ts'));
  assert.ok(!isOwnImage('docker.io/aquasec/trivy:0.50.0', 'ghcr.io/trivy-ts/trivy-ts'));
  assert.ok(!isOwnImage(undefined, rules.ownImage));
});
