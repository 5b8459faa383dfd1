import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitReportToBudget, TRUNCATED_ANNOTATION } from '../../../src/operator/reports/budget.ts';
import { buildExposedSecretReport } from '../../../src/operator/reports/exposed-secret-report.ts';
import { imageReportMetadata } from '../../../src/operator/reports/labels.ts';
import { contentHash } from '../../../src/operator/reports/report-writer.ts';
import { buildSbomReport } from '../../../src/operator/reports/sbom-report.ts';
import { isShared } from '../../../src/operator/reports/shared-parts.ts';
import {
  REPORT_API_VERSION,
  type SbomReport,
  type VulnerabilityReport,
} from '../../../src/operator/reports/types.ts';
import { buildVulnerabilityReport } from '../../../src/operator/reports/vulnerability-report.ts';
import { replicaSet } from '../kube/workloads.ts';
import { NGINX_DIGEST, nginxScan } from './nginx-scan.ts';

const bytes = (object: unknown) => Buffer.byteLength(JSON.stringify(object), 'utf8');
const updatedAt = new Date('2024-11-22T15:04:07Z');

function vulnerabilityReport(
  scan: ReturnType<typeof nginxScan>,
  containerName: string,
  imageRef = 'nginx:1.27.2',
): VulnerabilityReport {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'VulnerabilityReport',
    metadata: imageReportMetadata({
      kind: 'VulnerabilityReport',
      owner: { kind: 'ReplicaSet', object: replicaSet() },
      containerName,
      resourceSpecHash: '5668c4b796',
      reportTtlMs: null,
    }),
    report: buildVulnerabilityReport({
      scan,
      imageRef,
      imageDigest: NGINX_DIGEST,
      scannerVersion: '0.1.0',
      updatedAt,
    }),
  };
}

/** The same report made of fresh, unshared objects. */
const unshared = <T>(report: T): T => structuredClone(report);

/**
 * The lists of an image's reports are built once per scan and shared by every container that runs the image; the
 * size budget and the content hash read their JSON once. Both must decide exactly as for a report of its own.
 */
describe('report parts shared between the containers of one image', () => {
  it('every container of one scan gets the same lists; another scan gets its own', () => {
    const scan = nginxScan();
    const web = vulnerabilityReport(scan, 'web');
    const sidecar = vulnerabilityReport(scan, 'sidecar', 'docker.io/library/nginx:1.27.2');
    assert.ok(web.report.vulnerabilities.length > 0);
    assert.equal(web.report.vulnerabilities, sidecar.report.vulnerabilities);
    assert.ok(isShared(web.report.vulnerabilities));
    const again = vulnerabilityReport(nginxScan(), 'web');
    assert.notEqual(again.report.vulnerabilities, web.report.vulnerabilities);
    assert.deepEqual(again.report.vulnerabilities, web.report.vulnerabilities);
    const input = { scan, imageRef: 'nginx:1.27.2', scannerVersion: '0.1.0', updatedAt };
    assert.equal(buildExposedSecretReport(input).secrets, buildExposedSecretReport(input).secrets);
    const sbom = buildSbomReport(input);
    assert.ok(sbom && isShared(sbom.components), 'the SBOM components are shared');
    assert.equal(buildSbomReport(input)?.components, sbom.components);
    assert.ok(isShared(buildExposedSecretReport(input).secrets));
  });

  it('the budget decides at the exact byte as for an unshared copy', () => {
    const report = vulnerabilityReport(nginxScan(), 'web');
    const size = bytes(report);
    for (const maxBytes of [size, size - 1, Math.floor(size / 2)]) {
      const shared = fitReportToBudget(report, maxBytes);
      const own = fitReportToBudget(unshared(report), maxBytes);
      assert.equal(shared.truncated, maxBytes < size, `budget ${maxBytes} of ${size}`);
      assert.equal(own.truncated, shared.truncated);
      assert.deepEqual(shared.report, own.report);
      if (shared.truncated) assert.ok(shared.report.metadata.annotations?.[TRUNCATED_ANNOTATION]);
    }
    const scan = nginxScan();
    const sbom: SbomReport = {
      apiVersion: REPORT_API_VERSION,
      kind: 'SbomReport',
      metadata: report.metadata,
      report: buildSbomReport({ scan, imageRef: 'nginx:1.27.2', scannerVersion: '0.1.0', updatedAt })!,
    };
    const sbomSize = bytes(sbom);
    assert.equal(fitReportToBudget(sbom, sbomSize).truncated, false);
    assert.equal(fitReportToBudget(sbom, sbomSize - 1).truncated, true);
    assert.deepEqual(fitReportToBudget(sbom, sbomSize - 1), fitReportToBudget(unshared(sbom), sbomSize - 1));
  });

  it('the content hash is the same for shared and unshared lists, and tells different findings apart', () => {
    const report = vulnerabilityReport(nginxScan(), 'web');
    assert.equal(contentHash(report), contentHash(unshared(report)));
    const changed = unshared(report);
    changed.report.vulnerabilities[0]!.fixedVersion = '9.9.9';
    assert.notEqual(contentHash(changed), contentHash(report));
    const later = { ...report, report: { ...report.report, updateTimestamp: '2030-01-01T00:00:00Z' } };
    assert.equal(contentHash(later), contentHash(report), 'the time of the scan is not content');
    assert.notEqual(contentHash(vulnerabilityReport(nginxScan(), 'sidecar')), contentHash(report));
  });
});
