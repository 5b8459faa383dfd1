import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pomAnalyzer } from '../../../../src/scanner/analyzers/lockfile/pom.ts';
import type { AnalysisResult } from '../../../../src/scanner/analyzers/types.ts';
import { resolveInside } from '../../../../src/scanner/filesystem/related-files.ts';
import { walkDirectory } from '../../../../src/scanner/filesystem/directory-walker.ts';
import { runCommand } from '../../../support/cli.ts';
import { analyzerError, packageSummary } from './analyzer-checks.ts';
import { writeTree } from '../../../support/files.ts';

/** A project's files by path; the analyzer reads related ones the way a directory scan serves them. */
type Project = Record<string, string>;

async function analyzePom(files: Project, path = 'pom.xml'): Promise<AnalysisResult | undefined> {
  const content = Buffer.from(files[path] ?? '');
  return pomAnalyzer.analyze({
    path,
    size: content.length,
    mode: 0o644,
    content,
    readRelatedFile: (relative) => {
      const target = resolveInside(posix.dirname(path), relative);
      const text = target === undefined ? undefined : files[target];
      return Promise.resolve(text === undefined ? undefined : Buffer.from(text));
    },
  });
}

const header =
  '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 ' +
  'https://maven.apache.org/xsd/maven-4.0.0.xsd">\n  <modelVersion>4.0.0</modelVersion>\n';

const pom = (body: string) => `${header}${body}\n</project>\n`;

const dependency = (coordinates: string, extra = '') => {
  const [groupId, artifactId, version] = coordinates.split(':');
  return (
    `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId>` +
    `${version ? `<version>${version}</version>` : ''}${extra}</dependency>`
  );
};

/** A multi-module project: a parent aggregating two modules and a nested aggregator with a module of its own. */
const multiModuleProject: Project = {
  'pom.xml': pom(`
  <groupId>com.example.shop</groupId>
  <artifactId>shop-parent</artifactId>
  <version>1.4.0</version>
  <packaging>pom</packaging>
  <name>Shop</name>
  <licenses><license><name>Apache-2.0</name></license></licenses>
  <modules>
    <module>shop-core</module>
    <module>shop-web</module>
    <module>plugins</module>
  </modules>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <log4j2.version>2.14.1</log4j2.version>
    <jackson.version>2.12.1</jackson.version>
    <junit.version>5.7.0</junit.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      ${dependency('org.apache.logging.log4j:log4j-core:${log4j2.version}')}
      ${dependency('org.apache.logging.log4j:log4j-api:${log4j2.version}')}
      ${dependency('com.fasterxml.jackson.core:jackson-databind:${jackson.version}')}
      ${dependency('com.example.shop:shop-core:${project.version}')}
      ${dependency('org.junit.jupiter:junit-jupiter:${junit.version}', '<scope>test</scope>')}
    </dependencies>
  </dependencyManagement>
  <dependencies>
    ${dependency('org.junit.jupiter:junit-jupiter')}
  </dependencies>`),
  'shop-core/pom.xml': pom(`
  <parent>
    <groupId>com.example.shop</groupId>
    <artifactId>shop-parent</artifactId>
    <version>1.4.0</version>
  </parent>
  <artifactId>shop-core</artifactId>
  <dependencies>
    ${dependency('org.apache.logging.log4j:log4j-core')}
    ${dependency('com.fasterxml.jackson.core:jackson-databind')}
  </dependencies>`),
  'shop-web/pom.xml': pom(`
  <parent>
    <groupId>com.example.shop</groupId>
    <artifactId>shop-parent</artifactId>
    <version>1.4.0</version>
  </parent>
  <artifactId>shop-web</artifactId>
  <packaging>war</packaging>
  <dependencies>
    ${dependency('com.example.shop:shop-core')}
    ${dependency('org.apache.logging.log4j:log4j-api')}
    ${dependency('javax.servlet:javax.servlet-api:4.0.1', '<scope>provided</scope>')}
  </dependencies>`),
  'plugins/pom.xml': pom(`
  <parent>
    <groupId>com.example.shop</groupId>
    <artifactId>shop-parent</artifactId>
    <version>1.4.0</version>
  </parent>
  <artifactId>shop-plugins</artifactId>
  <packaging>pom</packaging>
  <modules><module>audit</module></modules>`),
  'plugins/audit/pom.xml': pom(`
  <parent>
    <groupId>com.example.shop</groupId>
    <artifactId>shop-plugins</artifactId>
    <version>1.4.0</version>
  </parent>
  <artifactId>shop-plugin-audit</artifactId>
  <properties><jackson.version>2.13.0</jackson.version></properties>
  <dependencies>
    ${dependency('com.fasterxml.jackson.core:jackson-databind')}
    ${dependency('org.apache.logging.log4j:log4j-core')}
  </dependencies>`),
};

const junit = 'org.junit.jupiter:junit-jupiter:5.7.0';

interface Case {
  name: string;
  files: Project;
  path?: string;
  expected: string[];
  /** Every warning, matched in order. */
  warnings?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'properties, ${project.version}, dependencyManagement and scopes of one POM',
    files: {
      'pom.xml': pom(`
  <groupId>org.example</groupId>
  <artifactId>billing</artifactId>
  <version>3.1.0</version>
  <properties>
    <spring.version>5.3.18</spring.version>
    <spring-core.version>\${spring.version}</spring-core.version>
    <guava.version>30.1-jre</guava.version>
    <guava.version>31.1-jre</guava.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      ${dependency('com.google.guava:guava:${guava.version}')}
      ${dependency('org.postgresql:postgresql:42.3.1', '<scope>runtime</scope>')}
    </dependencies>
  </dependencyManagement>
  <dependencies>
    ${dependency('org.springframework:spring-core:${spring-core.version}')}
    ${dependency('org.springframework:spring-beans:${spring.version}', '<scope>compile</scope>')}
    ${dependency('com.google.guava:guava')}
    ${dependency('org.postgresql:postgresql')}
    ${dependency('org.example:billing-api:${project.version}')}
    ${dependency('org.example:billing-spi:${version}')}
    ${dependency('org.example:billing-client:${pom.version}')}
    ${dependency('junit:junit:4.12', '<scope>test</scope>')}
    ${dependency('javax.servlet:servlet-api:2.5', '<scope>provided</scope>')}
    ${dependency('com.sun:tools:1.8', '<scope>system</scope><systemPath>/opt/jdk/lib/tools.jar</systemPath>')}
    ${dependency('org.slf4j:slf4j-simple:1.7.36', '<optional>true</optional>')}
    ${dependency('commons-io:commons-io:[2.11.0]')}
    ${dependency('commons-codec:commons-codec:[1.10,1.16)')}
    ${dependency('org.yaml:snakeyaml:${snakeyaml.version}')}
  </dependencies>`),
    },
    expected: [
      'com.google.guava:guava:31.1-jre direct',
      'commons-io:commons-io:2.11.0 direct',
      'junit:junit:4.12 dev direct',
      'org.example:billing-api:3.1.0 direct',
      'org.example:billing-client:3.1.0 direct',
      'org.example:billing-spi:3.1.0 direct',
      // The root depends on every kept dependency (the test-scoped one too: it is marked, not dropped).
      'org.example:billing:3.1.0 root -> com.google.guava:guava:31.1-jre,commons-io:commons-io:2.11.0,' +
        'junit:junit:4.12,org.example:billing-api:3.1.0,org.example:billing-client:3.1.0,' +
        'org.example:billing-spi:3.1.0,' +
        'org.postgresql:postgresql:42.3.1,org.springframework:spring-beans:5.3.18,' +
        'org.springframework:spring-core:5.3.18',
      'org.postgresql:postgresql:42.3.1 direct',
      'org.springframework:spring-beans:5.3.18 direct',
      'org.springframework:spring-core:5.3.18 direct',
    ],
    warnings: [
      /version range \[1\.10,1\.16\) needs a repository.*: commons-codec:commons-codec$/,
      /\$\{snakeyaml\.version\} is not defined\): org\.yaml:snakeyaml$/,
    ],
  },
  {
    name: 'a local parent (../pom.xml): inherited coordinates, properties, managed versions and dependencies',
    path: 'shop-web/pom.xml',
    files: multiModuleProject,
    expected: [
      'com.example.shop:shop-core:1.4.0 direct',
      `com.example.shop:shop-web:1.4.0 root -> com.example.shop:shop-core:1.4.0,` +
        `org.apache.logging.log4j:log4j-api:2.14.1,${junit}`,
      'org.apache.logging.log4j:log4j-api:2.14.1 direct',
      `${junit} dev direct`,
    ],
  },
  {
    name: 'modules: the root lists each module (workspace) with its dependencies; nested modules too',
    files: multiModuleProject,
    expected: [
      `com.example.shop:shop-core:1.4.0 workspace -> com.fasterxml.jackson.core:jackson-databind:2.12.1,` +
        `org.apache.logging.log4j:log4j-core:2.14.1,${junit}`,
      // Nested modules hang off the root too: mvn lists modules flat.
      `com.example.shop:shop-parent:1.4.0 root -> com.example.shop:shop-core:1.4.0,` +
        `com.example.shop:shop-plugin-audit:1.4.0,com.example.shop:shop-plugins:1.4.0,` +
        `com.example.shop:shop-web:1.4.0,${junit}`,
      // The overridden property applies to the managed version the module inherits.
      `com.example.shop:shop-plugin-audit:1.4.0 workspace -> com.fasterxml.jackson.core:jackson-databind:2.13.0,` +
        `org.apache.logging.log4j:log4j-core:2.14.1,${junit}`,
      `com.example.shop:shop-plugins:1.4.0 workspace -> ${junit}`,
      `com.example.shop:shop-web:1.4.0 workspace -> com.example.shop:shop-core:1.4.0,` +
        `org.apache.logging.log4j:log4j-api:2.14.1,${junit}`,
      'com.fasterxml.jackson.core:jackson-databind:2.12.1 direct',
      'com.fasterxml.jackson.core:jackson-databind:2.13.0 direct',
      'org.apache.logging.log4j:log4j-api:2.14.1 direct',
      'org.apache.logging.log4j:log4j-core:2.14.1 direct',
      `${junit} dev direct`,
    ],
  },
  {
    name: 'a parent named by <relativePath>, as a directory or a file, and a sibling POM that is not the parent',
    path: 'services/api/pom.xml',
    files: {
      'build/parent/pom.xml': pom(`
  <groupId>io.acme</groupId><artifactId>acme-build</artifactId><version>7</version><packaging>pom</packaging>
  <properties><netty.version>4.1.68.Final</netty.version></properties>`),
      'services/pom.xml': pom(`
  <groupId>io.acme</groupId><artifactId>services</artifactId><version>1.0</version><packaging>pom</packaging>
  <properties><netty.version>4.1.100.Final</netty.version></properties>`),
      'services/api/pom.xml': pom(`
  <parent>
    <groupId>io.acme</groupId><artifactId>acme-build</artifactId><version>7</version>
    <relativePath>../../build/parent</relativePath>
  </parent>
  <artifactId>api</artifactId><version>2.0.0</version>
  <dependencies>${dependency('io.netty:netty-codec-http:${netty.version}')}</dependencies>`),
    },
    expected: [
      'io.acme:api:2.0.0 root -> io.netty:netty-codec-http:4.1.68.Final',
      'io.netty:netty-codec-http:4.1.68.Final direct',
    ],
  },
  {
    name: 'CI-friendly versions: ${revision} defined by the parent',
    path: 'app/pom.xml',
    files: {
      'pom.xml': pom(`
  <groupId>org.acme</groupId><artifactId>root</artifactId><version>\${revision}</version><packaging>pom</packaging>
  <properties><revision>2.3.0-SNAPSHOT</revision></properties>
  <dependencyManagement><dependencies>
    ${dependency('org.acme:lib:${project.version}')}
  </dependencies></dependencyManagement>`),
      'app/pom.xml': pom(`
  <parent><groupId>org.acme</groupId><artifactId>root</artifactId><version>\${revision}</version></parent>
  <artifactId>app</artifactId>
  <dependencies>${dependency('org.acme:lib')}</dependencies>`),
    },
    expected: [
      'org.acme:app:2.3.0-SNAPSHOT root -> org.acme:lib:2.3.0-SNAPSHOT',
      'org.acme:lib:2.3.0-SNAPSHOT direct',
    ],
  },
  {
    name: 'a remote parent (<relativePath/>) and an imported BOM: what they manage is left out, with the reason',
    path: 'demo/pom.xml',
    files: {
      'demo/pom.xml': pom(`
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>2.5.6</version>
    <relativePath/>
  </parent>
  <artifactId>demo</artifactId>
  <properties><java.version>17</java.version></properties>
  <dependencyManagement><dependencies>
    ${dependency('software.amazon.awssdk:bom:2.17.100', '<type>pom</type><scope>import</scope>')}
  </dependencies></dependencyManagement>
  <dependencies>
    ${dependency('org.springframework.boot:spring-boot-starter-web')}
    ${dependency('software.amazon.awssdk:s3')}
    ${dependency('org.apache.logging.log4j:log4j-core:2.14.1')}
    ${dependency('org.springframework.boot:spring-boot-starter-test', '<scope>test</scope>')}
  </dependencies>`),
      // Same coordinates, but <relativePath/> tells Maven to take the parent from a repository only.
      'pom.xml': pom(`
  <groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>
  <version>2.5.6</version><packaging>pom</packaging>
  <dependencyManagement><dependencies>
    ${dependency('org.springframework.boot:spring-boot-starter-web:2.5.6')}
  </dependencies></dependencyManagement>`),
    },
    expected: [
      'org.apache.logging.log4j:log4j-core:2.14.1 direct',
      'org.springframework.boot:demo:2.5.6 root -> org.apache.logging.log4j:log4j-core:2.14.1',
    ],
    warnings: [
      new RegExp(
        'left out, version not resolved \\(no version; it may come from parent ' +
          'org\\.springframework\\.boot:spring-boot-starter-parent:2\\.5\\.6 or imported BOM ' +
          'software\\.amazon\\.awssdk:bom:2\\.17\\.100, which is not in the scanned files, and trivy-ts reads ' +
          'no Maven repository\\): org\\.springframework\\.boot:spring-boot-starter-web, software\\.amazon\\.awssdk:s3, ' +
          'org\\.springframework\\.boot:spring-boot-starter-test$',
      ),
    ],
  },
  {
    name: 'a ../pom.xml of another project is not taken as the parent',
    path: 'tool/pom.xml',
    files: {
      'pom.xml': pom(`<groupId>x</groupId><artifactId>unrelated</artifactId><version>1</version>
  <properties><lib.version>9.9</lib.version></properties>`),
      'tool/pom.xml': pom(`
  <parent><groupId>x</groupId><artifactId>company-parent</artifactId><version>4</version></parent>
  <artifactId>tool</artifactId>
  <dependencies>${dependency('x:lib:${lib.version}')}</dependencies>`),
    },
    expected: ['x:tool:4 root'],
    warnings: [/\$\{lib\.version\} is not defined; it may come from parent x:company-parent:4.*: x:lib$/],
  },
  {
    name: 'parents that point at each other end the chain instead of looping',
    path: 'a/pom.xml',
    files: {
      'a/pom.xml': pom(`
  <parent><groupId>g</groupId><artifactId>b</artifactId><version>1</version><relativePath>../b</relativePath></parent>
  <artifactId>a</artifactId>
  <properties><v>1.0</v></properties>
  <dependencies>${dependency('g:dep:${v}')}</dependencies>`),
      'b/pom.xml': pom(`
  <parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version><relativePath>../a</relativePath></parent>
  <artifactId>b</artifactId>`),
    },
    expected: ['g:a:1 root -> g:dep:1.0', 'g:dep:1.0 direct'],
  },
  {
    name: 'maven-invoker-plugin integration-test projects are development-only',
    path: 'src/it/smoke/pom.xml',
    files: {
      'src/it/smoke/pom.xml': pom(
        `<groupId>it</groupId><artifactId>smoke</artifactId><version>1</version>
  <dependencies>${dependency('org.yaml:snakeyaml:1.26')}</dependencies>`,
      ),
    },
    expected: ['it:smoke:1 dev root -> org.yaml:snakeyaml:1.26', 'org.yaml:snakeyaml:1.26 dev direct'],
  },
  {
    name: 'a module that is missing or not valid XML is reported, the rest is kept',
    files: {
      'pom.xml':
        pom(`<groupId>m</groupId><artifactId>agg</artifactId><version>1</version><packaging>pom</packaging>
  <modules><module>gone</module><module>broken</module><module>../outside</module></modules>`),
      'broken/pom.xml': '<project><artifactId>broken</project>',
    },
    expected: ['m:agg:1 root'],
    warnings: [
      /^broken\/pom\.xml is not read: pom: broken\/pom\.xml: invalid XML at line 1/,
      /^module gone: no POM at gone\/pom\.xml in the scanned directory$/,
      /^module broken: no POM at broken\/pom\.xml/,
      /^module \.\.\/outside: no POM at \.\.\/outside\/pom\.xml/,
    ],
  },
];

describe('pom.xml analyzer', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const result = await analyzePom(testCase.files, testCase.path);
      const application = result?.applications?.[0];
      assert.equal(application?.Type, 'pom');
      assert.equal(application.FilePath, testCase.path ?? 'pom.xml');
      assert.deepEqual(packageSummary(application.Packages), testCase.expected);
      const warnings = result?.warnings ?? [];
      assert.equal(warnings.length, testCase.warnings?.length ?? 0, warnings.join('\n'));
      for (const [index, pattern] of (testCase.warnings ?? []).entries())
        assert.match(warnings[index] ?? '', pattern);
    });
  }

  it('gives Maven PURLs and the project license', async () => {
    const result = await analyzePom(multiModuleProject);
    const packages = result?.applications?.[0]?.Packages ?? [];
    const log4j = packages.find((pkg) => pkg.Name === 'org.apache.logging.log4j:log4j-core');
    assert.equal(log4j?.Identifier?.PURL, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
    const root = packages.find((pkg) => pkg.Relationship === 'root');
    assert.deepEqual(root?.Licenses, ['Apache-2.0']);
    // Modules inherit the parent's license.
    assert.deepEqual(packages.find((pkg) => pkg.Name === 'com.example.shop:shop-web')?.Licenses, [
      'Apache-2.0',
    ]);
  });

  it('reads only files called pom.xml', () => {
    for (const [path, wanted] of [
      ['pom.xml', true],
      ['a/b/pom.xml', true],
      ['a/pom.xml.bak', false],
      ['a/module.pom', false],
      ['POM.XML', false],
    ] as const)
      assert.equal(pomAnalyzer.required({ path, size: 1, mode: 0o644 }), wanted, path);
  });

  it('property bombs and long reference chains stay bounded and unresolved', async () => {
    const levels = 40;
    const bomb = Array.from({ length: levels }, (_, i) => `<p${i}>\${p${i + 1}}\${p${i + 1}}</p${i}>`).join(
      '',
    );
    const chain = Array.from({ length: 5000 }, (_, i) => `<c${i}>\${c${i + 1}}</c${i}>`).join('');
    const started = performance.now();
    const result = await analyzePom({
      'pom.xml': pom(`<groupId>b</groupId><artifactId>b</artifactId><version>1</version>
  <properties>${bomb}<p${levels}>xx</p${levels}>${chain}<c5000>1.0</c5000></properties>
  <dependencies>${dependency('x:bomb:${p0}')}${dependency('x:chain:${c0}')}${dependency('x:ok:2')}</dependencies>`),
    });
    assert.ok(performance.now() - started < 2000, 'linear work');
    assert.deepEqual(packageSummary(result?.applications?.[0]?.Packages), [
      'b:b:1 root -> x:ok:2',
      'x:ok:2 direct',
    ]);
    assert.match(result?.warnings?.join('\n') ?? '', /x:bomb/);
    assert.match(result?.warnings?.join('\n') ?? '', /x:chain/);
  });

  it('never resolves ${env.*}: a report depends on the scanned files only', async () => {
    process.env.TRIVY_TS_POM_TEST_VERSION = '1.0';
    try {
      const result = await analyzePom({
        'pom.xml': pom(`<groupId>e</groupId><artifactId>e</artifactId><version>1</version>
  <dependencies>${dependency('x:y:${env.TRIVY_TS_POM_TEST_VERSION}')}</dependencies>`),
      });
      assert.deepEqual(packageSummary(result?.applications?.[0]?.Packages), ['e:e:1 root']);
      assert.match(result?.warnings?.[0] ?? '', /\$\{env\.TRIVY_TS_POM_TEST_VERSION\} is not defined/);
    } finally {
      delete process.env.TRIVY_TS_POM_TEST_VERSION;
    }
  });

  it('rejects a broken or hostile pom.xml with an error naming it', async () => {
    for (const [content, message] of [
      ['<project><groupId>x</groupId>', /invalid XML at line 1/],
      ['<settings><localRepository/></settings>', /root element is <settings>, not <project>/],
      [
        '<?xml version="1.0"?><!DOCTYPE project [<!ENTITY v "1.0">]><project><version>&v;</version></project>',
        /DOCTYPE/,
      ],
      [
        `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><project>&lol9;</project>`,
        /DOCTYPE/,
      ],
      ['<!DOCTYPE project SYSTEM "file:///etc/passwd"><project/>', /DOCTYPE/],
      [`<project>${'<a>'.repeat(500)}${'</a>'.repeat(500)}</project>`, /invalid XML|nest/i],
      [' '.repeat(9 * 1024 * 1024), /over the 8388608-byte limit/],
    ] as const) {
      await assert.rejects(
        analyzePom({ 'app/pom.xml': content }, 'app/pom.xml'),
        analyzerError('pom: app/pom.xml: ', message),
        content.slice(0, 60),
      );
    }
  });

  it('keeps tag names that are special in JavaScript as plain data', async () => {
    const result = await analyzePom({
      'pom.xml': pom(`<groupId>p</groupId><artifactId>p</artifactId><version>1</version>
  <properties><__proto__>polluted</__proto__><constructor>2.0</constructor><toString>3</toString></properties>
  <dependencies>${dependency('x:p:${__proto__}')}${dependency('x:y:${constructor}')}${dependency('x:z:${toString}')}</dependencies>`),
    });
    // A plain object as the property table would give `[object Object]` or a function's text for these.
    assert.deepEqual(packageSummary(result?.applications?.[0]?.Packages), [
      'p:p:1 root -> x:p:polluted,x:y:2.0,x:z:3',
      'x:p:polluted direct',
      'x:y:2.0 direct',
      'x:z:3 direct',
    ]);
  });
});

describe('pom.xml analyzer in a directory scan (real files)', () => {
  let scratch: string;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-pom-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function scan(root: string) {
    const warnings: string[] = [];
    const analysis = await walkDirectory(root, {
      analyzers: [pomAnalyzer],
      onWarning: (warning) => warnings.push(`${warning.path}: ${warning.message}`),
    });
    return { applications: analysis.Applications, warnings };
  }

  it('Maven itself accepts the multi-module fixture offline, and the scan resolves what it resolves', async () => {
    const root = join(scratch, 'shop');
    await writeTree(root, multiModuleProject);
    // `validate` builds every module's effective model: a dependency without a resolvable version fails it.
    const maven = await runCommand(
      ['mvn', '-o', '-B', '-q', `-Dmaven.repo.local=${join(scratch, 'm2')}`, 'validate'],
      { cwd: root },
    );
    assert.equal(maven.code, 0, maven.stdout);
    const { applications, warnings } = await scan(root);
    assert.deepEqual(warnings, []);
    assert.deepEqual(applications.map((application) => application.FilePath).sort(), [
      'plugins/audit/pom.xml',
      'plugins/pom.xml',
      'pom.xml',
      'shop-core/pom.xml',
      'shop-web/pom.xml',
    ]);
    const audit = applications.find((application) => application.FilePath === 'plugins/audit/pom.xml');
    assert.deepEqual(packageSummary(audit?.Packages), [
      `com.example.shop:shop-plugin-audit:1.4.0 root -> com.fasterxml.jackson.core:jackson-databind:2.13.0,` +
        `org.apache.logging.log4j:log4j-core:2.14.1,${junit}`,
      'com.fasterxml.jackson.core:jackson-databind:2.13.0 direct',
      'org.apache.logging.log4j:log4j-core:2.14.1 direct',
      `${junit} dev direct`,
    ]);
  });

  it('where Maven finds no version, neither does the scan', async () => {
    const root = join(scratch, 'unmanaged');
    await writeTree(root, {
      'pom.xml': pom(`<groupId>u</groupId><artifactId>u</artifactId><version>1</version>
  <dependencies>${dependency('org.apache.logging.log4j:log4j-core')}</dependencies>`),
    });
    const maven = await runCommand(
      ['mvn', '-o', '-B', `-Dmaven.repo.local=${join(scratch, 'm2')}`, 'validate'],
      {
        cwd: root,
      },
    );
    assert.notEqual(maven.code, 0, 'Maven refuses the project');
    assert.match(
      maven.stdout,
      /'dependencies\.dependency\.version' for org\.apache\.logging\.log4j:log4j-core:jar is missing/,
    );
    const { applications, warnings } = await scan(root);
    assert.deepEqual(packageSummary(applications[0]?.Packages), ['u:u:1 root']);
    assert.deepEqual(warnings, [
      'pom.xml: pom: left out, version not resolved (no version): org.apache.logging.log4j:log4j-core',
    ]);
  });

  it("reads Debian's real Maven POMs: the maven-core module resolves its versions from the aggregator", async () => {
    const repo = '/usr/share/maven-repo/org/apache/maven';
    const root = join(scratch, 'maven');
    await mkdir(join(root, 'maven-core'), { recursive: true });
    await copyFile(`${repo}/maven/3.x/maven-3.x.pom`, join(root, 'pom.xml'));
    await copyFile(`${repo}/maven-core/3.x/maven-core-3.x.pom`, join(root, 'maven-core/pom.xml'));
    const { applications } = await scan(root);
    const core = applications.find((application) => application.FilePath === 'maven-core/pom.xml');
    const ids = (core?.Packages ?? []).map((pkg) => `${pkg.ID} ${pkg.Relationship}${pkg.Dev ? ' dev' : ''}`);
    // Every dependency of maven-core is versionless in its own POM: each version below comes from the
    // aggregator's dependencyManagement, and junit from its test-scoped dependencies.
    for (const expected of [
      'org.apache.maven:maven-core:3.x root',
      'org.apache.maven:maven-model:3.x direct',
      'org.codehaus.plexus:plexus-utils:2.x direct',
      'com.google.inject:guice:debian direct',
      'junit:junit:4.x direct dev',
    ])
      assert.ok(ids.includes(expected), `${expected} in ${ids.join(', ')}`);
    assert.ok(ids.length >= 20, ids.join(', '));
    const aggregator = applications.find((application) => application.FilePath === 'pom.xml');
    assert.ok(
      aggregator?.Packages.some(
        (pkg) => pkg.ID === 'org.apache.maven:maven-core:3.x' && pkg.Relationship === 'workspace',
      ),
    );
  });

  it('never reads a parent outside the scanned directory or through a symbolic link', async () => {
    const outer = join(scratch, 'outer');
    const parentPom = pom(`<groupId>o</groupId><artifactId>outer-parent</artifactId><version>1</version>
  <properties><lib.version>6.6.6</lib.version></properties>`);
    await writeTree(outer, {
      'pom.xml': parentPom,
      'project/app/pom.xml': pom(`
  <parent><groupId>o</groupId><artifactId>outer-parent</artifactId><version>1</version>
    <relativePath>../../pom.xml</relativePath></parent>
  <artifactId>app</artifactId>
  <dependencies>${dependency('o:lib:${lib.version}')}</dependencies>`),
      'elsewhere/pom.xml': parentPom,
    });
    await symlink(join(outer, 'elsewhere'), join(outer, 'project/linked'));
    await writeFile(
      join(outer, 'project/pom.xml'),
      pom(`<parent><groupId>o</groupId><artifactId>outer-parent</artifactId><version>1</version>
    <relativePath>linked</relativePath></parent>
  <artifactId>top</artifactId><dependencies>${dependency('o:lib:${lib.version}')}</dependencies>`),
    );
    // Scanning the whole tree, the parent is found; scanning the project alone, it is outside.
    const whole = await scan(outer);
    const app = whole.applications.find((application) => application.FilePath === 'project/app/pom.xml');
    assert.ok(app?.Packages.some((pkg) => pkg.ID === 'o:lib:6.6.6'));
    const inner = await scan(join(outer, 'project'));
    assert.deepEqual(
      inner.applications.flatMap((application) => application.Packages.map((pkg) => pkg.ID)).sort(),
      ['o:app:1', 'o:top:1'],
    );
    assert.equal(inner.warnings.length, 2);
    assert.ok(
      inner.warnings.every((warning) =>
        /\$\{lib\.version\} is not defined; it may come from parent o:outer-parent:1/.test(warning),
      ),
    );
  });
});
