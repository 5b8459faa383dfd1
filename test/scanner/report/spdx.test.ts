import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../../../src/scanner/report/model.ts';
import type { SpdxDocument } from '../../../src/scanner/report/spdx.ts';
import { formatSpdxJson } from '../../../src/scanner/report/spdx.ts';
import { assertGolden, assertSchemaValid, normaliseUuids } from './format-check.ts';
import { sampleReport } from './sample-report.ts';

const spdx = (report: Report) => JSON.parse(formatSpdxJson(report)) as SpdxDocument;

describe('SPDX JSON output', () => {
  it('matches the golden file and the official SPDX 2.3 schema', () => {
    const text = formatSpdxJson(sampleReport());
    assertSchemaValid('spdx', JSON.parse(text));
    assertGolden('spdx.json', normaliseUuids(text));
  });

  it('writes the document header: version, namespace, creators, UTC creation time', () => {
    const document = spdx(sampleReport());
    assert.equal(document.spdxVersion, 'SPDX-2.3');
    assert.equal(document.dataLicense, 'CC0-1.0');
    assert.equal(document.name, 'registry.example.com/shop/web:1.4');
    assert.match(
      document.documentNamespace,
      /^http:\/\/trivy\.dev\/container_image\/registry\.example\.com\/shop\/web:1\.4-[0-9a-f-]{36}$/,
    );
    assert.deepEqual(document.creationInfo, {
      creators: ['Organization: aquasecurity', 'Tool: trivy-0.1.0'],
      created: '2026-11-22T15:04:05Z',
    });
  });

  it('derives SPDX IDs from the packages: stable across runs, unique within a document', () => {
    const first = spdx(sampleReport());
    const second = spdx(sampleReport());
    const ids = first.packages.map((pkg) => pkg.SPDXID);
    assert.deepEqual(
      second.packages.map((pkg) => pkg.SPDXID),
      ids,
    );
    assert.notEqual(first.documentNamespace, second.documentNamespace);
    assert.equal(new Set(ids).size, ids.length, 'the two copies of debug get distinct IDs');
    for (const id of ids)
      assert.match(id, /^SPDXRef-(ContainerImage|OperatingSystem|Application|Package)-[0-9a-f]{16}$/);

    const changed = sampleReport();
    const libc = changed.Results?.[0]?.Packages?.[1];
    assert.ok(libc);
    libc.Release = '9+deb12u9';
    const libcIds = (document: SpdxDocument) => document.packages.find((pkg) => pkg.name === 'libc6')?.SPDXID;
    assert.notEqual(libcIds(spdx(changed)), libcIds(first), 'a different package gets a different ID');
  });

  it('relates document, image, OS, application and packages', () => {
    const document = spdx(sampleReport());
    const id = (name: string) =>
      document.packages.find((pkg) => pkg.name === name)?.SPDXID ?? `missing ${name}`;
    const known = new Set(['SPDXRef-DOCUMENT', ...document.packages.map((pkg) => pkg.SPDXID)]);
    for (const relationship of document.relationships) {
      assert.ok(known.has(relationship.spdxElementId) && known.has(relationship.relatedSpdxElement));
    }
    const has = (from: string, type: string, to: string) =>
      document.relationships.some(
        (r) => r.spdxElementId === from && r.relationshipType === type && r.relatedSpdxElement === to,
      );
    const image = id('registry.example.com/shop/web:1.4');
    assert.ok(has('SPDXRef-DOCUMENT', 'DESCRIBES', image));
    assert.ok(has(image, 'CONTAINS', id('debian')));
    assert.ok(has(id('debian'), 'CONTAINS', id('zlib1g')));
    assert.ok(has(image, 'CONTAINS', id('express')));
    assert.ok(has(image, 'CONTAINS', id('usr/local/bin/healthcheck')));
    assert.ok(has(id('usr/local/bin/healthcheck'), 'CONTAINS', id('stdlib')));
    assert.ok(has(id('libssl3'), 'DEPENDS_ON', id('libc6')));
    assert.ok(
      has(id('express'), 'DEPENDS_ON', document.packages.find((pkg) => pkg.name === 'debug')?.SPDXID ?? ''),
    );
    assert.equal(
      document.packages.find((pkg) => pkg.name === 'debian')?.primaryPackagePurpose,
      'OPERATING_SYSTEM',
    );
  });

  it('references packages by purl and findings as security advisories', () => {
    const document = spdx(sampleReport());
    const libssl = document.packages.find((pkg) => pkg.name === 'libssl3');
    assert.deepEqual(libssl?.externalRefs, [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: 'pkg:deb/debian/libssl3@3.0.14-1~deb12u2?arch=amd64&distro=debian-12.7',
      },
      {
        referenceCategory: 'SECURITY',
        referenceType: 'advisory',
        referenceLocator: 'https://avd.aquasec.com/nvd/cve-2024-5535',
      },
    ]);
    assert.equal(libssl?.versionInfo, '3.0.14-1~deb12u2');
    assert.equal(libssl?.sourceInfo, 'built package from: openssl 3.0.14-1~deb12u2');
    assert.equal(
      libssl?.supplier,
      'Organization: Debian OpenSSL Team (pkg-openssl-devel@alioth-lists.debian.net)',
    );
    const express = document.packages.find((pkg) => pkg.name === 'express');
    assert.ok(express?.annotations?.some((annotation) => annotation.comment === 'PkgID: express@4.17.1'));
  });

  it('writes licenses as SPDX expressions, keeping names that are no SPDX ID as LicenseRefs', () => {
    const document = spdx(sampleReport());
    const license = (name: string) => document.packages.find((pkg) => pkg.name === name)?.licenseDeclared;
    assert.equal(license('libc6'), 'LGPL-2.1 AND GPL-2.0');
    assert.equal(license('zlib1g'), 'Zlib');
    assert.equal(license('stdlib'), 'NOASSERTION');
    const traverse = license('@babel/traverse');
    assert.match(traverse ?? '', /^\(MIT OR Apache-2\.0\) AND LicenseRef-[0-9a-f]{16}$/);
    const ref = traverse?.split(' AND ')[1];
    assert.deepEqual(
      document.hasExtractedLicensingInfos?.find((info) => info.licenseId === ref),
      { licenseId: ref, extractedText: 'Custom: see LICENSE', name: 'Custom: see LICENSE' },
    );
    const libssl = license('libssl3');
    assert.match(
      libssl ?? '',
      /^Apache-2\.0 AND Artistic-2\.0 AND LicenseRef-[0-9a-f]{16}$/,
      'GPL-1+ is no SPDX ID',
    );
  });

  it('is checked by a schema that does reject a broken document', () => {
    const document = spdx(sampleReport()) as unknown as { relationships: { relationshipType: string }[] };
    const first = document.relationships[0];
    assert.ok(first);
    first.relationshipType = 'LIVES_IN';
    assert.throws(() => assertSchemaValid('spdx', document), /spdx schema violations/);
  });
});
