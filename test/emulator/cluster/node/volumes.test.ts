import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pod } from '../fixtures.ts';
import { ContainerConfigError, type ConfigSource } from './env.ts';
import { containerPathMappings, materialiseVolumes, rewritePaths } from './volumes.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const source: ConfigSource = (kind, _ns, name): Record<string, string> | undefined => {
  if (kind === 'ConfigMap' && name === 'cfg') return { 'trivy.yaml': 'severity: HIGH\n', other: 'x' };
  if (kind === 'Secret' && name === 'creds') return { token: 's3cret' };
  return undefined;
};

test('ConfigMap, Secret and projected volumes become files; emptyDir an empty directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'volumes-test-'));
  dirs.push(dir);
  const p = pod('p', undefined);
  p.spec.volumes = [
    { name: 'config', configMap: { name: 'cfg', items: [{ key: 'trivy.yaml', path: 'conf/trivy.yaml' }] } },
    { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
    { name: 'both', projected: { sources: [{ configMap: { name: 'cfg' } }, { secret: { name: 'creds' } }] } },
    { name: 'scratch', emptyDir: {} },
  ];
  const volumes = await materialiseVolumes(p, dir, source);
  assert.equal(await readFile(join(volumes.get('config')!, 'conf/trivy.yaml'), 'utf8'), 'severity: HIGH\n');
  assert.equal(await readFile(join(volumes.get('creds')!, 'token'), 'utf8'), 's3cret');
  assert.equal((await stat(join(volumes.get('creds')!, 'token'))).mode & 0o777, 0o400);
  assert.equal(await readFile(join(volumes.get('both')!, 'other'), 'utf8'), 'x');
  assert.ok((await stat(volumes.get('scratch')!)).isDirectory());
});

test('a missing required source fails with the kubelet mount message; an escaping item path is rejected', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'volumes-test-'));
  dirs.push(dir);
  const p = pod('p', undefined);
  p.spec.volumes = [{ name: 'v', secret: { secretName: 'absent' } }];
  await assert.rejects(
    materialiseVolumes(p, dir, source),
    (e: Error) => e instanceof ContainerConfigError && /secret "absent" not found/.test(e.message),
  );
  p.spec.volumes = [
    { name: 'v', configMap: { name: 'cfg', items: [{ key: 'other', path: '../../escape' }] } },
  ];
  await assert.rejects(materialiseVolumes(p, dir, source), ContainerConfigError);
  p.spec.volumes = [{ name: 'v', configMap: { name: 'absent', optional: true } }];
  assert.ok(await materialiseVolumes(p, dir, source));
});

test('container paths in words, flags and shell lines map to host paths; longer mounts win', () => {
  const mappings = containerPathMappings(
    {
      name: 'c',
      volumeMounts: [
        { name: 'etc', mountPath: '/etc/trivy' },
        { name: 'scan', mountPath: '/etc/trivy/scan/' },
      ],
    },
    new Map([
      ['etc', '/host/etc'],
      ['scan', '/host/scan'],
    ]),
    '/host/tmp',
    '/host/termination',
  );
  assert.equal(rewritePaths('/etc/trivy/trivy.yaml', mappings), '/host/etc/trivy.yaml');
  assert.equal(rewritePaths('--config=/etc/trivy/scan/x', mappings), '--config=/host/scan/x');
  assert.equal(
    rewritePaths('cat /tmp/a > "/etc/trivy";echo', mappings),
    'cat /host/tmp/a > "/host/etc";echo',
  );
  assert.equal(
    rewritePaths('/etc/trivyx /var/tmp', mappings),
    '/etc/trivyx /var/tmp',
    'only whole path components',
  );
  assert.equal(rewritePaths('/dev/termination-log', mappings), '/host/termination');
});
