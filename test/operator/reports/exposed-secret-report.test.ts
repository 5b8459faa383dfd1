import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildExposedSecretReport,
  exposedSecretSummary,
  secretSeverity,
} from '../../../src/operator/reports/exposed-secret-report.ts';
import { imageReportMetadata } from '../../../src/operator/reports/labels.ts';
import { REPORT_API_VERSION, type ExposedSecretReport } from '../../../src/operator/reports/types.ts';
import { pod } from '../kube/workloads.ts';
import { assertAcceptedByCrd } from './crd-check.ts';
import { NGINX_DIGEST, nginxScan } from './nginx-scan.ts';

const build = () =>
  buildExposedSecretReport({
    scan: nginxScan(),
    imageRef: 'nginx:1.27.2',
    imageDigest: NGINX_DIGEST,
    scannerVersion: '0.1.0',
    updatedAt: new Date('2024-11-22T15:04:07Z'),
  });

describe('buildExposedSecretReport', () => {
  it('lists every secret result with its file as target', () => {
    assert.deepEqual(build(), {
      updateTimestamp: '2024-11-22T15:04:07Z',
      scanner: { name: 'Trivy', vendor: 'Aqua Security', version: '0.1.0' },
      registry: { server: 'index.docker.io' },
      artifact: { repository: 'library/nginx', tag: '1.27.2', digest: NGINX_DIGEST },
      summary: { criticalCount: 1, highCount: 0, mediumCount: 0, lowCount: 1 },
      secrets: [
        {
          target: 'etc/nginx/conf.d/upstream.env',
          ruleID: 'aws-access-key-id',
          title: 'AWS Access Key ID',
          category: 'AWS',
          severity: 'CRITICAL',
          match: 'AWS_ACCESS_KEY_ID=********************',
        },
        {
          target: 'app/config/internal.yaml',
          ruleID: 'acme-internal-token',
          title: 'Acme internal token',
          category: 'Acme',
          severity: 'LOW',
          match: 'token: *****************',
        },
      ],
    });
  });

  it('makes an ExposedSecretReport the CRD accepts even with an UNKNOWN-severity rule (upstream gap #19)', () => {
    const object: ExposedSecretReport = {
      apiVersion: REPORT_API_VERSION,
      kind: 'ExposedSecretReport',
      metadata: imageReportMetadata({
        kind: 'ExposedSecretReport',
        owner: { kind: 'Pod', object: pod('debug-shell') },
        containerName: 'web',
        resourceSpecHash: 'x2',
        reportTtlMs: 24 * 3_600_000,
      }),
      report: build(),
    };
    assert.equal(object.metadata.annotations, undefined, 'ExposedSecretReports carry no TTL');
    assertAcceptedByCrd(object);
  });
});

describe('secretSeverity', () => {
  it('keeps the four CRD severities and maps anything else to LOW', () => {
    assert.deepEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN', '', 'critical'].map(secretSeverity), [
      'CRITICAL',
      'HIGH',
      'MEDIUM',
      'LOW',
      'LOW',
      'LOW',
      'LOW',
    ]);
  });
});

describe('exposedSecretSummary', () => {
  it('counts per severity', () => {
    const secrets = ['HIGH', 'HIGH', 'MEDIUM', 'CRITICAL', 'LOW'].map((severity) => ({ severity }));
    assert.deepEqual(exposedSecretSummary(secrets), {
      criticalCount: 1,
      highCount: 2,
      mediumCount: 1,
      lowCount: 1,
    });
  });
});
