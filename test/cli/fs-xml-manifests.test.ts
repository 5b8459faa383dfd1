import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/scanner/report/model.ts';
import { TrivyDbFixture } from '../support/trivy-db-fixture.ts';
import { launcher, runCommand } from '../support/cli.ts';
import { writeTree } from '../support/files.ts';

const ghsaMaven = 'maven::GitHub Security Advisory Maven';
const ghsaNuget = 'nuget::GitHub Security Advisory NuGet';

/** Advisories naming the versions the manifests below pin: Maven and NuGet ones, fixed and not affected. */
function fixtureDb(): TrivyDbFixture {
  return (
    new TrivyDbFixture()
      .addDataSource(ghsaMaven, {
        ID: 'ghsa',
        Name: 'GitHub Security Advisory Maven',
        URL: 'https://github.com/advisories',
      })
      .addDataSource(ghsaNuget, {
        ID: 'ghsa',
        Name: 'GitHub Security Advisory NuGet',
        URL: 'https://github.com/advisories',
      })
      .addAdvisory(ghsaMaven, 'org.apache.logging.log4j:log4j-core', 'CVE-2021-44228', {
        VulnerableVersions: ['>= 2.13.0, < 2.15.0', '>= 2.4, < 2.12.2', '>= 2.0-beta9, < 2.3.1'],
        PatchedVersions: ['2.15.0', '2.12.2', '2.3.1'],
      })
      // 2.14.1 is past this one's fix: not reported.
      .addAdvisory(ghsaMaven, 'org.apache.logging.log4j:log4j-core', 'CVE-2020-9488', {
        VulnerableVersions: ['< 2.13.2'],
        PatchedVersions: ['2.13.2'],
      })
      .addAdvisory(ghsaMaven, 'junit:junit', 'CVE-2020-15250', {
        VulnerableVersions: ['>= 4.7, < 4.13.1'],
        PatchedVersions: ['4.13.1'],
      })
      .addAdvisory(ghsaNuget, 'newtonsoft.json', 'CVE-2024-21907', {
        VulnerableVersions: ['< 13.0.1'],
        PatchedVersions: ['13.0.1'],
      })
      .addAdvisory(ghsaNuget, 'system.text.json', 'CVE-2024-43485', {
        VulnerableVersions: ['>= 8.0.0, < 8.0.5', '>= 6.0.0, < 6.0.10'],
        PatchedVersions: ['8.0.5', '6.0.10'],
      })
      .addVulnerability('CVE-2021-44228', {
        Title: 'log4j-core: Remote code execution in Log4j 2.x',
        VendorSeverity: { ghsa: 4 },
      })
      .addVulnerability('CVE-2020-9488', {
        Title: 'log4j: improper certificate validation',
        VendorSeverity: { ghsa: 1 },
      })
      .addVulnerability('CVE-2020-15250', {
        Title: 'junit4: TemporaryFolder is shared',
        VendorSeverity: { ghsa: 2 },
      })
      .addVulnerability('CVE-2024-21907', {
        Title: 'Newtonsoft.Json: denial of service',
        VendorSeverity: { ghsa: 3 },
      })
      .addVulnerability('CVE-2024-43485', {
        Title: 'System.Text.Json: denial of service',
        VendorSeverity: { ghsa: 3 },
      })
  );
}

const xmlns =
  'xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd"';

/** A Maven build whose log4j version lives in the parent's properties, a .NET solution, and a Spring Boot app. */
const project: Record<string, string> = {
  'pom.xml': `<?xml version="1.0" encoding="UTF-8"?>
<project ${xmlns}>
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>orders</artifactId>
  <version>1.0.0-SNAPSHOT</version>
  <packaging>pom</packaging>
  <modules><module>orders-service</module></modules>
  <properties><log4j2.version>2.14.1</log4j2.version></properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.logging.log4j</groupId>
        <artifactId>log4j-core</artifactId>
        <version>\${log4j2.version}</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
`,
  'orders-service/pom.xml': `<?xml version="1.0" encoding="UTF-8"?>
<project ${xmlns}>
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.example</groupId>
    <artifactId>orders</artifactId>
    <version>1.0.0-SNAPSHOT</version>
  </parent>
  <artifactId>orders-service</artifactId>
  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
    </dependency>
    <dependency>
      <groupId>junit</groupId>
      <artifactId>junit</artifactId>
      <version>4.12</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
`,
  'gateway/pom.xml': `<?xml version="1.0" encoding="UTF-8"?>
<project ${xmlns}>
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>2.6.1</version>
    <relativePath/>
  </parent>
  <artifactId>gateway</artifactId>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
  </dependencies>
</project>
`,
  'dotnet/Legacy.Web/packages.config': `<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="Newtonsoft.Json" version="12.0.1" targetFramework="net472" />
  <package id="Microsoft.Net.Compilers" version="2.4.0" targetFramework="net472" developmentDependency="true" />
</packages>
`,
  'dotnet/Directory.Packages.props': `<Project>
  <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="System.Text.Json" Version="8.0.3" />
    <PackageVersion Include="Serilog" Version="3.1.1" />
  </ItemGroup>
</Project>
`,
};

describe('trivy-ts fs: pom.xml, packages.config and Directory.Packages.props (fixture DB)', () => {
  let scratch: string;
  let cacheDir: string;
  let root: string;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-fs-xml-'));
    cacheDir = join(scratch, 'cache');
    fixtureDb().writeCacheDir(cacheDir);
    root = join(scratch, 'project');
    await writeTree(root, project);
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const scan = (extra: string[], wrapper: string[] = []) =>
    runCommand([
      ...wrapper,
      launcher,
      'fs',
      root,
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--scanners',
      'vuln',
      ...extra,
    ]);

  const scanJson = async (extra: string[] = []) => {
    const result = await scan(['--format', 'json', ...extra]);
    assert.equal(result.code, 0, result.stderr);
    return { report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
  };

  const findings = (report: Report) =>
    (report.Results ?? [])
      .flatMap((result) =>
        (result.Vulnerabilities ?? []).map(
          (v) =>
            `${result.Target} (${result.Type}): ${v.PkgID} ${v.VulnerabilityID} fixed in ${v.FixedVersion}`,
        ),
      )
      .sort();

  it('finds the advisories of the versions the XML manifests pin, and says what it could not resolve', async () => {
    const { report, stderr } = await scanJson();
    assert.deepEqual((report.Results ?? []).map((result) => `${result.Target} (${result.Type})`).sort(), [
      'dotnet/Directory.Packages.props (packages-props)',
      'dotnet/Legacy.Web/packages.config (nuget)',
      'gateway/pom.xml (pom)',
      'orders-service/pom.xml (pom)',
      'pom.xml (pom)',
    ]);
    // The module is reported on its own and, as Trivy does, inside the parent's result too.
    assert.deepEqual(findings(report), [
      'dotnet/Directory.Packages.props (packages-props): System.Text.Json@8.0.3 CVE-2024-43485 fixed in 8.0.5, 6.0.10',
      'dotnet/Legacy.Web/packages.config (nuget): Newtonsoft.Json@12.0.1 CVE-2024-21907 fixed in 13.0.1',
      'orders-service/pom.xml (pom): org.apache.logging.log4j:log4j-core:2.14.1 CVE-2021-44228 fixed in 2.15.0, 2.12.2, 2.3.1',
      'pom.xml (pom): org.apache.logging.log4j:log4j-core:2.14.1 CVE-2021-44228 fixed in 2.15.0, 2.12.2, 2.3.1',
    ]);
    const log4j = report.Results?.find((result) => result.Target === 'pom.xml')?.Vulnerabilities?.[0];
    assert.equal(log4j?.Severity, 'CRITICAL');
    assert.equal(log4j?.PkgIdentifier?.PURL, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
    assert.match(stderr, /gateway\/pom\.xml/);
    assert.match(stderr, /spring-boot-starter-parent:2\.6\.1/);
    assert.match(stderr, /org\.springframework\.boot:spring-boot-starter-web/);
  });

  it('lists the Maven project, its module and its dependencies with relationships', async () => {
    const { report } = await scanJson(['--list-all-pkgs']);
    const root = report.Results?.find((result) => result.Target === 'pom.xml');
    assert.deepEqual(
      root?.Packages?.map((pkg) => `${pkg.ID} ${pkg.Relationship}`),
      [
        'com.example:orders-service:1.0.0-SNAPSHOT workspace',
        'com.example:orders:1.0.0-SNAPSHOT root',
        'org.apache.logging.log4j:log4j-core:2.14.1 direct',
      ],
    );
    const gateway = report.Results?.find((result) => result.Target === 'gateway/pom.xml');
    assert.deepEqual(
      gateway?.Packages?.map((pkg) => pkg.ID),
      ['org.springframework.boot:gateway:2.6.1'],
    );
  });

  it('test-scoped and development-only packages are reported only with --include-dev-deps', async () => {
    const { report } = await scanJson(['--include-dev-deps', '--list-all-pkgs']);
    assert.ok(
      findings(report).includes(
        'orders-service/pom.xml (pom): junit:junit:4.12 CVE-2020-15250 fixed in 4.13.1',
      ),
    );
    const config = report.Results?.find((result) => result.Target === 'dotnet/Legacy.Web/packages.config');
    assert.deepEqual(
      config?.Packages?.map((pkg) => `${pkg.ID}${pkg.Dev ? ' dev' : ''}`),
      ['Microsoft.Net.Compilers@2.4.0 dev', 'Newtonsoft.Json@12.0.1'],
    );
  });

  it('needs no network: the same findings with no network interface at all', async () => {
    const offline = await scan(['--format', 'json'], ['unshare', '--net']);
    assert.equal(offline.code, 0, offline.stderr);
    const { report } = await scanJson();
    assert.deepEqual(findings(JSON.parse(offline.stdout) as Report), findings(report));
  });

  it('fails the build with --exit-code and prints the manifests in the table', async () => {
    const table = await scan(['--exit-code', '3', '--severity', 'CRITICAL']);
    assert.equal(table.code, 3, table.stderr);
    assert.match(table.stdout, /pom\.xml \(pom\)/);
    assert.match(table.stdout, /CVE-2021-44228/);
    const clean = await scan(['--exit-code', '3', '--severity', 'LOW']);
    assert.equal(clean.code, 0, clean.stderr);
  });
});
