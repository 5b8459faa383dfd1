import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filesystemAnalyzers } from '../../../../src/scanner/analyzers/filesystem-registry.ts';
import { lockFileAnalyzers } from '../../../../src/scanner/analyzers/lockfile/index.ts';
import { nugetConfigAnalyzer } from '../../../../src/scanner/analyzers/lockfile/nuget-config.ts';
import { packagesPropsAnalyzer } from '../../../../src/scanner/analyzers/lockfile/packages-props.ts';
import { analyzers as imageAnalyzers } from '../../../../src/scanner/analyzers/registry.ts';
import type { Analyzer } from '../../../../src/scanner/analyzers/types.ts';
import { analyzerError } from './analyzer-checks.ts';

async function analyze(analyzer: Analyzer, path: string, content: Buffer | string) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return analyzer.analyze({ path, size: bytes.length, mode: 0o644, content: bytes });
}

/** `id [dev] purl` per package. */
async function summary(analyzer: Analyzer, path: string, content: Buffer | string): Promise<string[]> {
  const result = await analyze(analyzer, path, content);
  const application = result?.applications?.[0];
  return (application?.Packages ?? []).map((pkg) =>
    [pkg.ID, pkg.Dev ? 'dev' : '', pkg.Identifier?.PURL ?? ''].filter((part) => part !== '').join(' '),
  );
}

/** packages.config as Visual Studio writes it for a .NET Framework web project. */
const packagesConfig = `<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="Antlr" version="3.5.0.2" targetFramework="net472" />
  <package id="Microsoft.AspNet.Mvc" version="5.2.7" targetFramework="net472" />
  <package id="Newtonsoft.Json" version="12.0.1" targetFramework="net472" />
  <!-- <package id="Commented.Out" version="1.0.0" /> -->
  <package id="Microsoft.CodeDom.Providers.DotNetCompilerPlatform" version="2.0.1" targetFramework="net472" developmentDependency="true" />
  <package id="StyleCop.Analyzers" version="1.1.118" developmentDependency="True" />
  <package id="NoVersion" targetFramework="net472" />
  <package version="1.0.0" />
</packages>
`;

/** Central package management as `dotnet new packagesprops` and real repositories write it. */
const directoryPackagesProps = `<Project>
  <PropertyGroup>
    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
    <JsonVersion>13.0.3</JsonVersion>
  </PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="System.Text.Json" Version="8.0.3" />
    <PackageVersion Include="Serilog" Version="3.1.1" />
    <PackageVersion Include="Newtonsoft.Json" Version="$(JsonVersion)" />
    <PackageVersion Include="$(SharedPackage)" Version="1.0.0" />
    <PackageVersion Include=" Polly " Version=" 8.2.0 " />
    <PackageVersion Include="Dapper">
      <Version>2.1.24</Version>
    </PackageVersion>
  </ItemGroup>
  <ItemGroup Condition="'$(TargetFramework)' == 'net48'">
    <PackageVersion Include="System.Net.Http" Version="4.3.4" />
    <PackageReference Update="Legacy.Package" Version="1.2.3" />
    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.6.133" />
    <PackageVersion Include="NoVersion" />
  </ItemGroup>
</Project>
`;

describe('packages.config analyzer', () => {
  it('reads id and version; development dependencies are marked, entries without both are skipped', async () => {
    assert.deepEqual(await summary(nugetConfigAnalyzer, 'src/Web/packages.config', packagesConfig), [
      'Antlr@3.5.0.2 pkg:nuget/Antlr@3.5.0.2',
      'Microsoft.AspNet.Mvc@5.2.7 pkg:nuget/Microsoft.AspNet.Mvc@5.2.7',
      'Microsoft.CodeDom.Providers.DotNetCompilerPlatform@2.0.1 dev ' +
        'pkg:nuget/Microsoft.CodeDom.Providers.DotNetCompilerPlatform@2.0.1',
      'Newtonsoft.Json@12.0.1 pkg:nuget/Newtonsoft.Json@12.0.1',
      'StyleCop.Analyzers@1.1.118 dev pkg:nuget/StyleCop.Analyzers@1.1.118',
    ]);
    const result = await analyze(nugetConfigAnalyzer, 'src/Web/packages.config', packagesConfig);
    assert.equal(result?.applications?.[0]?.Type, 'nuget');
    assert.equal(result?.applications?.[0]?.FilePath, 'src/Web/packages.config');
  });

  it('reads the encodings Visual Studio writes: UTF-8 with a BOM, UTF-16 with a BOM', async () => {
    const expected = await summary(nugetConfigAnalyzer, 'packages.config', packagesConfig);
    const utf8Bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(packagesConfig)]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(packagesConfig.replace('utf-8', 'utf-16'), 'utf16le'),
    ]);
    assert.deepEqual(await summary(nugetConfigAnalyzer, 'packages.config', utf8Bom), expected);
    assert.deepEqual(await summary(nugetConfigAnalyzer, 'packages.config', utf16), expected);
  });

  it('wants packages.config only', () => {
    for (const [path, wanted] of [
      ['packages.config', true],
      ['src/App/packages.config', true],
      ['web.config', false],
      ['packages.config.bak', false],
      ['NuGet.config', false],
    ] as const)
      assert.equal(nugetConfigAnalyzer.required({ path, size: 1, mode: 0o644 }), wanted, path);
  });

  it('an empty <packages/> gives nothing; a broken file gives an error naming it', async () => {
    assert.equal(await analyze(nugetConfigAnalyzer, 'packages.config', '<packages/>'), undefined);
    for (const [content, message] of [
      ['<packages><package id="a" version="1"></packages>', /invalid XML at line 1/],
      ['<configuration/>', /root element is <configuration>, not <packages>/],
      ['', /invalid XML at line 1: Start tag expected/],
      ['<!DOCTYPE packages [<!ENTITY x SYSTEM "file:///etc/passwd">]><packages>&x;</packages>', /DOCTYPE/],
    ] as const)
      await assert.rejects(
        analyze(nugetConfigAnalyzer, 'app/packages.config', content),
        analyzerError('nuget: app/packages.config: ', message),
        content,
      );
  });
});

describe('*Packages.props analyzer', () => {
  it('reads PackageVersion and PackageReference of every ItemGroup; MSBuild properties are skipped', async () => {
    assert.deepEqual(
      await summary(packagesPropsAnalyzer, 'Directory.Packages.props', directoryPackagesProps),
      [
        'Dapper@2.1.24 pkg:nuget/Dapper@2.1.24',
        'Legacy.Package@1.2.3 pkg:nuget/Legacy.Package@1.2.3',
        'Polly@8.2.0 pkg:nuget/Polly@8.2.0',
        'Serilog@3.1.1 pkg:nuget/Serilog@3.1.1',
        'System.Net.Http@4.3.4 pkg:nuget/System.Net.Http@4.3.4',
        'System.Text.Json@8.0.3 pkg:nuget/System.Text.Json@8.0.3',
      ],
    );
    const result = await analyze(packagesPropsAnalyzer, 'Directory.Packages.props', directoryPackagesProps);
    assert.equal(result?.applications?.[0]?.Type, 'packages-props');
  });

  it('wants Directory.Packages.props, Packages.props and *Packages.props in any case', () => {
    for (const [path, wanted] of [
      ['Directory.Packages.props', true],
      ['src/Packages.props', true],
      ['build/Shared.Packages.props', true],
      ['directory.packages.props', true],
      ['Directory.Build.props', false],
      ['Packages.props.orig', false],
    ] as const)
      assert.equal(packagesPropsAnalyzer.required({ path, size: 1, mode: 0o644 }), wanted, path);
  });

  it('a props file that is not an MSBuild project gives an error naming it', async () => {
    await assert.rejects(
      analyze(packagesPropsAnalyzer, 'Packages.props', '<packages/>'),
      /packages-props: Packages\.props: the root element is <packages>, not <Project>/,
    );
  });
});

describe('XML manifests in the analyzer registries', () => {
  it('fs scans read pom.xml, packages.config and *Packages.props; image scans do not', () => {
    const wanting = (analyzers: readonly Analyzer[], path: string) =>
      analyzers.filter((analyzer) => analyzer.required({ path, size: 1, mode: 0o644 })).map((a) => a.type);
    for (const [path, type] of [
      ['pom.xml', 'pom'],
      ['packages.config', 'nuget-config'],
      ['Directory.Packages.props', 'packages-props'],
    ] as const) {
      assert.deepEqual(wanting(lockFileAnalyzers, path), [type], path);
      assert.deepEqual(wanting(filesystemAnalyzers, path), [type], path);
      assert.deepEqual(wanting(imageAnalyzers, path), [], path);
    }
  });
});
