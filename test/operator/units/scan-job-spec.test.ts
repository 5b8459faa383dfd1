import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildCredentialsSecret,
  buildScanJob,
  requestOfJob,
  scanJobName,
  type ScanJobSettings,
} from '../../../src/operator/analysis/scan-job-spec.ts';
import type { AnalysisRequest } from '../../../src/operator/analysis/types.ts';

const digest = `sha256:${'ab'.repeat(32)}`;
const request: AnalysisRequest = {
  key: `${digest}|linux/arm64`,
  digest,
  platform: 'linux/arm64',
  repository: 'registry.example.com/shop/app',
  insecure: true,
  mirrors: { 'index.docker.io': ['mirror.gcr.io'] },
  scanSecrets: false,
  credentials: { username: 'robot', password: 'hunter2' },
};
const settings: ScanJobSettings = {
  namespace: 'trivy-system',
  image: 'ghcr.io/trivy-ts/trivy-ts:1.0.0',
  serviceAccountName: 'trivy-operator',
  automountServiceAccountToken: false,
  timeoutSeconds: 300,
  resources: { requests: { cpu: '100m', memory: '100M' }, limits: { cpu: '500m', memory: '500M' } },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'scans', effect: 'NoSchedule' }],
  nodeSelector: { pool: 'scans' },
  podSecurityContext: { runAsNonRoot: true, runAsUser: 10000 },
  containerSecurityContext: {
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  },
  priorityClassName: 'low',
  annotations: { 'example.com/team': 'security' },
  podTemplateLabels: { 'example.com/scan': 'yes' },
};

describe('scan Job spec', () => {
  it('names the Job after the image, stably and within 63 characters', () => {
    const name = scanJobName(digest, 'linux/arm64');
    assert.equal(name, scanJobName(digest, 'linux/arm64'));
    assert.notEqual(name, scanJobName(digest, 'linux/amd64'));
    assert.match(name, /^scan-vulnerabilityreport-[a-z0-9]+$/);
    assert.ok(name.length <= 63);
  });

  it('runs `trivy-ts scan-job` on the pinned digest with the configured pod settings', () => {
    const job = buildScanJob(request, settings);
    const pod = job.spec?.template.spec;
    const container = pod?.containers[0];
    assert.equal(job.metadata?.namespace, 'trivy-system');
    assert.equal(job.spec?.backoffLimit, 0);
    assert.equal(job.spec?.activeDeadlineSeconds, 300);
    assert.equal(pod?.restartPolicy, 'Never');
    assert.equal(pod?.serviceAccountName, 'trivy-operator');
    assert.equal(pod?.automountServiceAccountToken, false);
    assert.deepEqual(pod?.tolerations, settings.tolerations);
    assert.deepEqual(pod?.nodeSelector, { pool: 'scans' });
    assert.deepEqual(pod?.securityContext, settings.podSecurityContext);
    assert.equal(pod?.priorityClassName, 'low');
    assert.deepEqual(
      pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
        ?.matchExpressions,
      [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }],
    );
    assert.equal(container?.image, settings.image);
    assert.deepEqual(container?.command, ['trivy-ts']);
    assert.deepEqual(container?.args, [
      'scan-job',
      `registry.example.com/shop/app@${digest}`,
      '--platform',
      'linux/arm64',
      '--insecure',
      '--no-secrets',
      '--registry-mirror',
      'index.docker.io=mirror.gcr.io',
    ]);
    assert.deepEqual(container?.resources, settings.resources);
    assert.deepEqual(container?.securityContext, settings.containerSecurityContext);
    assert.equal(job.metadata?.labels?.['app.kubernetes.io/managed-by'], 'trivy-operator');
    assert.equal(job.spec?.template.metadata?.labels?.['example.com/scan'], 'yes');
    assert.equal(job.metadata?.annotations?.['example.com/team'], 'security');
  });

  it('passes trivy.skipFiles and trivy.skipDirs to the scan', () => {
    const job = buildScanJob(
      { ...request, skip: { files: ['**/*.jar', 'etc/app.key'], dirs: ['usr/share/doc'] } },
      settings,
    );
    const args = job.spec?.template.spec?.containers[0]?.args ?? [];
    const skipFlags = args.flatMap((arg, index) =>
      arg === '--skip-files' || arg === '--skip-dirs' ? [[arg, args[index + 1]]] : [],
    );
    assert.deepEqual(skipFlags, [
      ['--skip-files', '**/*.jar'],
      ['--skip-files', 'etc/app.key'],
      ['--skip-dirs', 'usr/share/doc'],
    ]);
    assert.ok(
      !(buildScanJob(request, settings).spec?.template.spec?.containers[0]?.args ?? []).includes(
        '--skip-files',
      ),
    );
  });

  it('passes credentials only through a Secret, never in the Job itself', () => {
    const job = buildScanJob(request, settings);
    assert.ok(!JSON.stringify(job).includes('hunter2'));
    const env = job.spec?.template.spec?.containers[0]?.env ?? [];
    const password = env.find((variable) => variable.name === 'TRIVY_PASSWORD');
    assert.deepEqual(password?.valueFrom?.secretKeyRef, {
      name: `${job.metadata?.name}-regcred`,
      key: 'password',
    });
    const secret = buildCredentialsSecret(request, settings);
    assert.equal(secret?.metadata?.name, `${job.metadata?.name}-regcred`);
    assert.deepEqual(secret?.stringData, { username: 'robot', password: 'hunter2' });
    const { credentials: _omitted, ...anonymous } = request;
    assert.equal(buildCredentialsSecret(anonymous, settings), undefined);
    assert.ok(!JSON.stringify(buildScanJob(anonymous, settings)).includes('TRIVY_PASSWORD'));
  });

  it('finds the request back from a Job left by a previous run', () => {
    assert.deepEqual(requestOfJob(buildScanJob(request, settings)), {
      digest,
      platform: 'linux/arm64',
      repository: 'registry.example.com/shop/app',
    });
    assert.equal(requestOfJob({ metadata: { name: 'foreign' } }), undefined);
  });
});
