import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildSbomReport,
  InvalidBomError,
  projectBom,
  stabilizeBom,
} from '../../../src/operator/reports/sbom-report.ts';
import { imageReportMetadata } from '../../../src/operator/reports/labels.ts';
import {
  REPORT_API_VERSION,
  type ClusterSbomReport,
  type SbomReport,
} from '../../../src/operator/reports/types.ts';
import { assertSchemaValid } from '../../scanner/report/format-check.ts';
import { replicaSet } from '../kube/workloads.ts';
import { assertAcceptedByCrd } from './crd-check.ts';
import { NGINX_DIGEST, nginxScan } from './nginx-scan.ts';

const input = () => ({
  scan: nginxScan(),
  imageRef: 'nginx:1.27.2',
  imageDigest: NGINX_DIGEST,
  scannerVersion: '0.1.0',
  updatedAt: new Date('2024-11-22T15:04:07Z'),
});

describe('buildSbomReport', () => {
  const report = buildSbomReport(input())!;

  it('holds the CycloneDX BOM under components, with counts as upstream computes them', () => {
    const bom = report.components;
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.metadata?.component?.name, 'nginx:1.27.2');
    const names = (bom.components ?? []).map((component) => component.name).sort();
    assert.deepEqual(names, ['cross-spawn', 'debian', 'libc6', 'libssl3', 'libxml2']);
    assert.deepEqual(report.summary, {
      componentsCount: bom.components!.length + 1,
      dependenciesCount: bom.dependencies!.length,
    });
    assert.deepEqual(report.artifact, { repository: 'library/nginx', tag: '1.27.2', digest: NGINX_DIGEST });
    assert.deepEqual(report.scanner, { name: 'Trivy', vendor: 'Aqua Security', version: '0.1.0' });
  });

  it('is still a valid CycloneDX 1.6 document', () => {
    assertSchemaValid('cyclonedx', report.components);
  });

  it('is the same for the same image: serial number and bom-refs derive from the content', () => {
    const again = buildSbomReport(input())!;
    assert.deepEqual(again.components, report.components);
    assert.match(
      report.components.serialNumber!,
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const other = input();
    other.scan.Results![0]!.Packages![0]!.Version = '3.0.15';
    assert.notEqual(buildSbomReport(other)!.components.serialNumber, report.components.serialNumber);
  });

  it('is not produced for an image without packages', () => {
    const empty = input();
    empty.scan.Results = empty.scan.Results!.filter((result) => result.Class === 'secret');
    assert.equal(buildSbomReport(empty), undefined);
  });

  it('is produced when only applications have packages (upstream looked at the first result only)', () => {
    const appsOnly = input();
    appsOnly.scan.Results![0]!.Packages = [];
    assert.ok(buildSbomReport(appsOnly)?.components.components?.some((c) => c.name === 'cross-spawn'));
  });

  it('makes SbomReport and ClusterSbomReport objects the CRDs accept, with nothing pruned', () => {
    const metadata = imageReportMetadata({
      kind: 'SbomReport',
      owner: { kind: 'ReplicaSet', object: replicaSet() },
      containerName: 'web',
      resourceSpecHash: 'x2',
    });
    const namespaced: SbomReport = { apiVersion: REPORT_API_VERSION, kind: 'SbomReport', metadata, report };
    assertAcceptedByCrd(namespaced);
    const cluster: ClusterSbomReport = {
      apiVersion: REPORT_API_VERSION,
      kind: 'ClusterSbomReport',
      metadata: { name: 'c5f6b7d8f9' },
      report,
    };
    assertAcceptedByCrd(cluster);
  });
});

describe('projectBom', () => {
  it('keeps only the fields of the report schema', () => {
    const bom = projectBom({
      $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      metadata: { timestamp: '2024-11-22T15:04:05+00:00', lifecycles: [{ phase: 'build' }] },
      components: [
        {
          'bom-ref': 'pkg:npm/a@1',
          type: 'library',
          name: 'a',
          version: '1',
          evidence: { identity: [] },
          licenses: [
            { license: { id: 'MIT', acknowledgement: 'declared' } },
            { expression: 'MIT OR Apache-2.0' },
          ],
          hashes: [{ alg: 'SHA-1', content: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }],
          supplier: {
            name: 'Acme',
            url: ['https://acme.example'],
            contact: [{ email: 'sec@acme.example', role: 'x' }],
          },
        },
      ],
      dependencies: [{ ref: 'pkg:npm/a@1', dependsOn: [] }],
      vulnerabilities: [{ id: 'CVE-1' }],
    });
    assert.deepEqual(bom, {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      metadata: { timestamp: '2024-11-22T15:04:05+00:00' },
      components: [
        {
          'bom-ref': 'pkg:npm/a@1',
          type: 'library',
          name: 'a',
          version: '1',
          supplier: { name: 'Acme', url: ['https://acme.example'], contact: [{ email: 'sec@acme.example' }] },
          hashes: [{ alg: 'SHA-1', content: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }],
          licenses: [{ license: { id: 'MIT' } }, { expression: 'MIT OR Apache-2.0' }],
        },
      ],
      dependencies: [{ ref: 'pkg:npm/a@1', dependsOn: [] }],
    });
  });

  it('rejects documents that are not CycloneDX', () => {
    assert.throws(() => projectBom({ spdxVersion: 'SPDX-2.3' }), InvalidBomError);
    assert.throws(() => projectBom('{}'), /not a CycloneDX JSON document/);
  });
});

describe('stabilizeBom', () => {
  it('renames random bom-refs consistently in components and dependencies', () => {
    const bom = stabilizeBom({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      metadata: { component: { 'bom-ref': 'pkg:oci/web', name: 'web' } },
      components: [
        { 'bom-ref': '0f6c2a9e-8a51-4a4e-9d55-2f0f5e2f4c11', name: 'debug', version: '2.6.9' },
        { 'bom-ref': '7b1c3f0d-2e4a-4c7b-8f6e-1a2b3c4d5e6f', name: 'debug', version: '2.6.9' },
      ],
      dependencies: [
        {
          ref: 'pkg:oci/web',
          dependsOn: ['0f6c2a9e-8a51-4a4e-9d55-2f0f5e2f4c11', '7b1c3f0d-2e4a-4c7b-8f6e-1a2b3c4d5e6f'],
        },
        { ref: '0f6c2a9e-8a51-4a4e-9d55-2f0f5e2f4c11', dependsOn: [] },
      ],
    });
    const [first, second] = bom.components!.map((component) => component['bom-ref']!);
    assert.notEqual(first, second, 'two identical components still get distinct refs');
    assert.notEqual(first, '0f6c2a9e-8a51-4a4e-9d55-2f0f5e2f4c11');
    assert.deepEqual(bom.dependencies, [
      { ref: 'pkg:oci/web', dependsOn: [first, second] },
      { ref: first, dependsOn: [] },
    ]);
    assert.equal(bom.metadata?.component?.['bom-ref'], 'pkg:oci/web', 'purl refs are kept');
  });
});
