import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pythonPackageAnalyzer } from '../../../../src/scanner/analyzers/lang/python-pkg.ts';
import { AnalyzerError, type AnalysisInput } from '../../../../src/scanner/analyzers/types.ts';

function input(path: string, content: string): AnalysisInput {
  return { path, content: Buffer.from(content), size: content.length, mode: 0o644 };
}

const wheelMetadata = `Metadata-Version: 2.1
Name: Django_Rest
Version: 3.14.0
Summary: Web APIs for Django, made easy.
License: BSD
Classifier: License :: OSI Approved :: BSD License
Requires-Dist: django>=3.0

Long description with a line that looks like a header:
Version: 9.9.9
`;

describe('python-pkg analyzer', () => {
  it('wants installed distribution metadata only', () => {
    const wants = (path: string) => pythonPackageAnalyzer.required({ path, size: 1, mode: 0o644 });
    assert.equal(wants('usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA'), true);
    assert.equal(wants('usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO'), true);
    assert.equal(wants('usr/lib/python3.11/lib-dynload/foo-1.0.egg-info'), true);
    assert.equal(wants('opt/x/EGG-INFO/PKG-INFO'), true);
    assert.equal(wants('usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/RECORD'), false);
    assert.equal(wants('app/requirements.txt'), false);
  });

  it('reads name, version and licence from the header block only', async () => {
    const path = 'usr/local/lib/python3.11/site-packages/Django_Rest-3.14.0.dist-info/METADATA';
    const result = await pythonPackageAnalyzer.analyze(input(path, wheelMetadata));
    const pkg = result?.applications?.[0]?.Packages[0];
    assert.equal(pkg?.Name, 'Django_Rest');
    assert.equal(pkg?.Version, '3.14.0');
    assert.equal(pkg?.ID, 'Django_Rest@3.14.0');
    assert.deepEqual(pkg?.Licenses, ['BSD']);
    assert.equal(pkg?.Identifier?.PURL, 'pkg:pypi/django-rest@3.14.0');
    assert.equal(pkg?.FilePath, path);
  });

  it('prefers License-Expression, and falls back to classifiers when License is a pasted text', async () => {
    const expression = await pythonPackageAnalyzer.analyze(
      input(
        'a.dist-info/METADATA',
        'Name: a\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\nLicense: MIT\n',
      ),
    );
    assert.deepEqual(expression?.applications?.[0]?.Packages[0]?.Licenses, ['MIT OR Apache-2.0']);
    const pasted = await pythonPackageAnalyzer.analyze(
      input(
        'b.egg-info/PKG-INFO',
        'Name: b\nVersion: 2\nLicense: Copyright (c) someone\n    Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n',
      ),
    );
    assert.deepEqual(pasted?.applications?.[0]?.Packages[0]?.Licenses, ['MIT License']);
  });

  it('rejects metadata without a version', async () => {
    await assert.rejects(
      async () => pythonPackageAnalyzer.analyze(input('c.dist-info/METADATA', 'Name: c\n')),
      AnalyzerError,
    );
  });
});
