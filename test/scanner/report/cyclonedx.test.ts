import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cycloneDxSpecVersion, formatCycloneDx } from '../../../src/scanner/report/cyclonedx.ts';
import type { Report } from '../../../src/scanner/report/model.ts';
import { assertGolden, assertSchemaValid, normaliseUuids } from './format-check.ts';
import { sampleReport } from './sample-report.ts';

interface Component {
  'bom-ref': string;
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
  hashes?: { alg: string; content: string }[];
}

interface Bom {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; tools: { components: Component[] }; component: Component };
  components: Component[];
  dependencies: { ref: string; dependsOn?: string[] }[];
  vulnerabilities?: {
    id: string;
    ratings: { source: { name: string }; severity?: string; method?: string; score?: number }[];
    cwes?: number[];
    recommendation?: string;
    advisories?: { url: string }[];
    affects: { ref: string; versions: { version: string; status: string }[] }[];
  }[];
}

const bom = (report: Report, includeVulnerabilities: boolean) =>
  JSON.parse(formatCycloneDx(report, { includeVulnerabilities })) as Bom;

const property = (component: Component | undefined, name: string) =>
  component?.properties
    ?.filter((entry) => entry.name === `aquasecurity:trivy:${name}`)
    .map((entry) => entry.value);

describe('CycloneDX output', () => {
  it('matches the golden file and the official CycloneDX 1.6 schema', () => {
    const text = formatCycloneDx(sampleReport(), { includeVulnerabilities: true });
    assertSchemaValid('cyclonedx', JSON.parse(text));
    assertGolden('cyclonedx.json', normaliseUuids(text));
  });

  it('writes spec 1.6 with a serial number, the report time and the tool', () => {
    const document = bom(sampleReport(), false);
    assert.equal(cycloneDxSpecVersion, '1.6');
    assert.equal(document.specVersion, '1.6');
    assert.match(document.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.notEqual(bom(sampleReport(), false).serialNumber, document.serialNumber, 'a new serial per BOM');
    assert.equal(document.metadata.timestamp, '2026-11-22T15:04:05.123Z');
    assert.deepEqual(
      document.metadata.tools.components.map(({ type, group, name, version }) => ({
        type,
        group,
        name,
        version,
      })),
      [{ type: 'application', group: 'aquasecurity', name: 'trivy', version: '0.1.0' }],
    );
  });

  it('describes the image as metadata.component with its oci purl and image properties', () => {
    const image = bom(sampleReport(), false).metadata.component;
    assert.equal(image.type, 'container');
    assert.equal(image.name, 'registry.example.com/shop/web:1.4');
    assert.equal(
      image.purl,
      'pkg:oci/web@sha256%3Ae3b1c5f0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2' +
        '?arch=amd64&repository_url=registry.example.com/shop/web',
    );
    assert.equal(image['bom-ref'], image.purl);
    assert.equal(property(image, 'DiffID')?.length, 2);
    assert.deepEqual(property(image, 'SchemaVersion'), ['2']);
    assert.deepEqual(property(image, 'Size'), ['128974848']);
  });

  it('lists the OS, applications and packages with purls, licenses and Trivy properties', () => {
    const { components } = bom(sampleReport(), false);
    const os = components.find((component) => component.type === 'operating-system');
    assert.deepEqual([os?.name, os?.version], ['debian', '12.7']);
    const zlib = components.find((component) => component.name === 'zlib1g');
    assert.equal(zlib?.version, '1:1.2.13.dfsg-1', 'OS package versions carry epoch and release');
    assert.deepEqual(property(zlib, 'SrcEpoch'), ['1']);
    assert.deepEqual(property(zlib, 'PkgType'), ['debian']);
    const traverse = components.find((component) => component.name === 'traverse');
    assert.equal(traverse?.group, '@babel', 'npm scopes become the group');
    assert.deepEqual(property(traverse, 'FilePath'), ['app/node_modules/@babel/traverse/package.json']);
    const app = components.find((component) => component.type === 'application');
    assert.equal(app?.name, 'usr/local/bin/healthcheck');
    assert.deepEqual(property(app, 'Type'), ['gobinary']);
    assert.equal(components.length, 11);
  });

  it('gives every component a unique bom-ref: the purl when unique, a UUID for repeated packages', () => {
    const document = bom(sampleReport(), true);
    const refs = [document.metadata.component, ...document.components].map(
      (component) => component['bom-ref'],
    );
    assert.equal(new Set(refs).size, refs.length);
    const debug = document.components.filter((component) => component.name === 'debug');
    assert.equal(debug.length, 2);
    for (const component of debug) assert.match(component['bom-ref'], /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const express = document.components.find((component) => component.name === 'express');
    assert.equal(express?.['bom-ref'], 'pkg:npm/express@4.17.1');
  });

  it('builds the dependency graph: image → OS/apps/aggregated packages → packages → their dependencies', () => {
    const document = bom(sampleReport(), false);
    const byName = new Map(document.components.map((component) => [component.name, component['bom-ref']]));
    const edges = new Map(document.dependencies.map((entry) => [entry.ref, entry.dependsOn ?? []]));
    const known = new Set(
      [document.metadata.component, ...document.components].map((component) => component['bom-ref']),
    );
    for (const [ref, dependsOn] of edges) {
      assert.ok(known.has(ref), `unknown ref ${ref}`);
      for (const target of dependsOn) assert.ok(known.has(target), `unknown dependsOn ${target}`);
    }
    const root = edges.get(document.metadata.component['bom-ref']) ?? [];
    assert.ok(root.includes(byName.get('debian') ?? ''), 'image contains the OS');
    assert.ok(root.includes(byName.get('express') ?? ''), 'aggregated Node.js packages hang off the image');
    assert.ok(root.includes(byName.get('usr/local/bin/healthcheck') ?? ''));
    assert.deepEqual(edges.get(byName.get('libssl3') ?? ''), [byName.get('libc6')]);
    assert.equal(
      edges.get(byName.get('usr/local/bin/healthcheck') ?? '')?.length,
      1,
      'indirect Go module left out',
    );
  });

  it('adds vulnerabilities only when asked, one entry per ID with every affected package', () => {
    assert.equal(bom(sampleReport(), false).vulnerabilities, undefined);

    const report = sampleReport();
    const nodeResult = report.Results?.[1];
    const second = nodeResult?.Vulnerabilities?.[1];
    assert.ok(nodeResult?.Vulnerabilities && second);
    // The same advisory also found in the other copy of debug.
    nodeResult.Vulnerabilities.push({ ...second, PkgPath: 'app/node_modules/debug/package.json' });
    const document = bom(report, true);
    assertSchemaValid('cyclonedx', document);
    const ids = document.vulnerabilities?.map((entry) => entry.id);
    assert.deepEqual(ids, [
      'CVE-2024-5535',
      'CVE-2023-45853',
      'CVE-2010-4756',
      'CVE-2024-29041',
      'CVE-2017-16137',
    ]);
    const debugRefs = document.components
      .filter((component) => component.name === 'debug')
      .map((component) => component['bom-ref'])
      .sort();
    const debugVuln = document.vulnerabilities?.find((entry) => entry.id === 'CVE-2017-16137');
    assert.deepEqual(debugVuln?.affects.map((affect) => affect.ref).sort(), debugRefs);

    const openssl = document.vulnerabilities?.[0];
    assert.deepEqual(
      openssl?.ratings.map(({ source, severity, method, score }) => [source.name, severity, method, score]),
      [
        ['debian', 'low', undefined, undefined],
        ['nvd', 'critical', 'CVSSv31', 9.1],
        ['redhat', 'low', 'CVSSv31', 4.8],
      ],
    );
    assert.deepEqual(openssl?.cwes, [200]);
    assert.equal(openssl?.recommendation, 'Upgrade libssl3 to version 3.0.15-1~deb12u1');
    assert.equal(openssl?.advisories?.[0]?.url, 'https://avd.aquasec.com/nvd/cve-2024-5535');
    assert.deepEqual(openssl?.affects[0]?.versions, [{ version: '3.0.14-1~deb12u2', status: 'affected' }]);
    const express = document.vulnerabilities?.find((entry) => entry.id === 'CVE-2024-29041');
    assert.deepEqual(
      express?.ratings.map((rating) => rating.method),
      ['CVSSv31', 'CVSSv4'],
    );
  });

  it('adds components for findings when the report lists no packages', () => {
    const report = sampleReport();
    for (const result of report.Results ?? []) delete result.Packages;
    const document = bom(report, true);
    assertSchemaValid('cyclonedx', document);
    const refs = new Set(document.components.map((component) => component['bom-ref']));
    for (const entry of document.vulnerabilities ?? []) {
      for (const affect of entry.affects) assert.ok(refs.has(affect.ref), `dangling affects ${affect.ref}`);
    }
    assert.deepEqual(
      document.components
        .filter((component) => component.type === 'library')
        .map((component) => component.name),
      ['libssl3', 'zlib1g', 'libc6', 'express', 'debug'],
    );
  });

  it('writes package digests as hashes', () => {
    const report = sampleReport();
    const pkg = report.Results?.[0]?.Packages?.[0];
    assert.ok(pkg);
    pkg.Digest = 'sha1:0123456789abcdef0123456789abcdef01234567';
    const bad = report.Results?.[0]?.Packages?.[1];
    assert.ok(bad);
    bad.Digest = 'sha1:not-hex';
    const document = bom(report, false);
    assertSchemaValid('cyclonedx', document);
    assert.deepEqual(document.components.find((component) => component.name === 'libssl3')?.hashes, [
      { alg: 'SHA-1', content: '0123456789abcdef0123456789abcdef01234567' },
    ]);
    assert.equal(document.components.find((component) => component.name === 'libc6')?.hashes, undefined);
  });

  it('is checked by a schema that does reject a broken BOM', () => {
    const document = bom(sampleReport(), false);
    const first = document.components[0];
    assert.ok(first);
    first.type = 'spaceship';
    assert.throws(() => assertSchemaValid('cyclonedx', document), /cyclonedx schema violations/);
  });
});
