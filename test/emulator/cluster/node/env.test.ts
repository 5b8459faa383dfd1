import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pod } from '../fixtures.ts';
import { ContainerConfigError, expandReferences, resolveContainerEnv, type ConfigSource } from './env.ts';

const source: ConfigSource = (kind, namespace, name): Record<string, string> | undefined => {
  if (namespace !== 'default') return undefined;
  if (kind === 'ConfigMap' && name === 'cfg') return { LEVEL: 'HIGH', 'bad key': 'x', mode: 'fast' };
  if (kind === 'Secret' && name === 'creds') return { token: 's3cret' };
  return undefined;
};

test('envFrom first (with prefix, invalid names skipped), then env entries that win; refs and fields resolve', () => {
  const p = pod('scan-1', undefined);
  p.metadata.labels = { app: 'scanner' };
  const env = resolveContainerEnv(
    p,
    {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'S_', secretRef: { name: 'creds' } }],
      env: [
        { name: 'mode', value: 'slow' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'MIXED', value: '$(LEVEL)-$(TOKEN)-$(UNKNOWN)-$$(LEVEL)' },
        { name: 'MISSING', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
      ],
    },
    source,
  );
  assert.deepEqual(env, {
    LEVEL: 'HIGH',
    mode: 'slow',
    S_token: 's3cret',
    TOKEN: 's3cret',
    POD: 'scan-1',
    APP: 'scanner',
    MIXED: 'HIGH-s3cret-$(UNKNOWN)-$(LEVEL)',
  });
});

test('a missing required ConfigMap, Secret or key is a CreateContainerConfigError with the kubelet message', () => {
  const p = pod('p', undefined);
  const attempt = (env: Parameters<typeof resolveContainerEnv>[1]['env']): unknown => {
    try {
      resolveContainerEnv(p, { name: 'c', env }, source);
      return undefined;
    } catch (error) {
      return error;
    }
  };
  const noMap = attempt([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }]);
  assert.ok(noMap instanceof ContainerConfigError);
  assert.equal(noMap.message, 'configmap "nope" not found');
  const noKey = attempt([{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'other' } } }]);
  assert.equal((noKey as Error).message, "couldn't find key other in Secret default/creds");
});

test('$$ escapes and unknown references stay as written', () => {
  assert.equal(expandReferences('echo $$HOME $(A) $(B) $', { A: '1' }), 'echo $HOME 1 $(B) $');
});
