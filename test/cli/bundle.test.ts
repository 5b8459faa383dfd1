/**
 * The CLI bundle (`npm run build`, scripts/build.ts) against the sources: the same scans must give the same reports,
 * including the paths that load code on demand (report formats, the npm version scheme, the TOML and XML parsers, the
 * SBOM reader, the config checks, `status`'s HTTP client) and the packages the bundle leaves in node_modules (the
 * CycloneDX library). A dynamic import() of a CommonJS package, for one, has only a default export in the bundle.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildBundleIn } from '../support/cli.ts';
import { buildOciImage } from '../support/oci-image.ts';
import { TrivyDbFixture } from '../support/trivy-db-fixture.ts';

const execFileAsync = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const sources = join(repo, 'src', 'cli', 'main.ts');

const dpkgStatus = `Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries
`;

const cargoLock = `version = 3

[[package]]
name = "smallvec"
version = "1.6.0"
`;

function fixtureDb(): TrivyDbFixture {
  return new TrivyDbFixture()
    .addDataSource('debian 12', { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://example.org' })
    .addDataSource('npm::GitHub Security Advisory npm', {
      ID: 'ghsa',
      Name: 'GitHub Security Advisory npm',
      URL: 'https://github.com/advisories',
    })
    .addDataSource('cargo::GitHub Security Advisory Rust', {
      ID: 'ghsa',
      Name: 'GitHub Security Advisory Rust',
      URL: 'https://github.com/advisories',
    })
    .addAdvisory('debian 12', 'openssl', 'CVE-2024-5535', { FixedVersion: '3.0.14-1~deb12u1' })
    .addAdvisory('npm::GitHub Security Advisory npm', 'lodash', 'CVE-2021-23337', {
      VulnerableVersions: ['<4.17.21'],
      PatchedVersions: ['4.17.21'],
    })
    .addAdvisory('cargo::GitHub Security Advisory Rust', 'smallvec', 'CVE-2021-25900', {
      VulnerableVersions: ['>=0.6.3, <0.6.14', '>=1.0.0, <1.6.1'],
      PatchedVersions: ['1.6.1'],
    })
    .addVulnerability('CVE-2024-5535', { Title: 'openssl: buffer overread', VendorSeverity: { nvd: 4 } })
    .addVulnerability('CVE-2021-23337', { Title: 'lodash: command injection', VendorSeverity: { ghsa: 3 } })
    .addVulnerability('CVE-2021-25900', { Title: 'smallvec: buffer overflow', VendorSeverity: { ghsa: 4 } });
}

/** Report fields that differ on every run (random IDs, times). */
function stable(text: string): string {
  return text
    .replace(
      /"(CreatedAt|ReportID|timestamp|serialNumber|bom-ref|ref|dependsOn|created|documentNamespace)": ("[^"]*"|\[[^\]]*\])/g,
      '"$1": "-"',
    )
    .replace(/urn:uuid:[0-9a-f-]+/g, 'urn:uuid:-');
}

const pomXml = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example</groupId>
  <artifactId>app</artifactId>
  <version>1.0.0</version>
  <properties><jackson.version>2.9.8</jackson.version></properties>
  <dependencies>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>\${jackson.version}</version>
    </dependency>
  </dependencies>
</project>
`;

const privilegedDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.25
          securityContext: { privileged: true }
`;

describe('CLI bundle', () => {
  let scratch: string;
  let bundle: string;
  let cacheDir: string;
  let layout: string;
  let project: string;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-bundle-'));
    bundle = await buildBundleIn(scratch);
    cacheDir = join(scratch, 'cache');
    fixtureDb().writeCacheDir(cacheDir);
    layout = join(scratch, 'layout');
    await buildOciImage(layout, 'app', [
      {
        add: {
          'etc/debian_version': '12.5\n',
          'var/lib/dpkg/status': dpkgStatus,
          'app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.20' }),
          'app/.env': 'GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n',
        },
      },
    ]);
    project = join(scratch, 'project');
    await mkdir(project);
    await writeFile(join(project, 'Cargo.lock'), cargoLock);
    await writeFile(join(project, 'pom.xml'), pomXml);
    await writeFile(join(project, 'deployment.yaml'), privilegedDeployment);
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const run = async (entry: string, args: string[]) => {
    const { stdout } = await execFileAsync(process.execPath, [entry, ...args], {
      cwd: scratch,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  };
  const bothWays = async (args: string[]) => {
    const [fromBundle, fromSources] = await Promise.all([run(bundle, args), run(sources, args)]);
    return { fromBundle: stable(fromBundle), fromSources: stable(fromSources) };
  };
  const common = () => ['--cache-dir', cacheDir, '--skip-db-update', '--quiet'];
  const scanImageLayout = (format: string) =>
    bothWays(['image', '--input', `${layout}:app`, ...common(), '--format', format]);

  it('prints the version and the same help', async () => {
    const { fromBundle, fromSources } = await bothWays(['image', '--help']);
    assert.match(fromBundle, /Usage: trivy-ts image/);
    assert.equal(fromBundle, fromSources);
    assert.equal((await run(bundle, ['--version'])).trim(), (await run(sources, ['--version'])).trim());
  });

  it('scans an image to the same JSON report (OS, npm and secret findings)', async () => {
    const { fromBundle, fromSources } = await scanImageLayout('json');
    const ids = (
      JSON.parse(fromBundle) as { Results?: { Vulnerabilities?: { VulnerabilityID: string }[] }[] }
    ).Results?.flatMap((result) => result.Vulnerabilities ?? [])
      .map((finding) => finding.VulnerabilityID)
      .sort();
    assert.deepEqual(ids, ['CVE-2021-23337', 'CVE-2024-5535']);
    assert.match(fromBundle, /"RuleID": "github-pat"/);
    assert.equal(fromBundle, fromSources);
  });

  it('writes the same CycloneDX and table output', async () => {
    for (const format of ['cyclonedx', 'table']) {
      const { fromBundle, fromSources } = await scanImageLayout(format);
      assert.match(fromBundle, /lodash/);
      assert.equal(fromBundle, fromSources, format);
    }
  });

  it('scans a directory with a Cargo.lock and a pom.xml to the same report', async () => {
    const { fromBundle, fromSources } = await bothWays(['fs', project, ...common(), '--format', 'json']);
    assert.match(fromBundle, /CVE-2021-25900/);
    assert.match(fromBundle, /com\.fasterxml\.jackson\.core:jackson-databind/);
    assert.equal(fromBundle, fromSources);
  });

  it('scans its own CycloneDX output as an SBOM to the same report', async () => {
    const sbom = join(scratch, 'image.cdx.json');
    await writeFile(
      sbom,
      await run(sources, ['image', '--input', `${layout}:app`, ...common(), '--format', 'cyclonedx']),
    );
    const { fromBundle, fromSources } = await bothWays(['sbom', sbom, ...common(), '--format', 'json']);
    assert.match(fromBundle, /CVE-2021-23337/);
    assert.equal(fromBundle, fromSources);
  });

  it('audits a manifest with the same findings', async () => {
    const { fromBundle, fromSources } = await bothWays([
      'config',
      join(project, 'deployment.yaml'),
      '--format',
      'json',
      '--quiet',
    ]);
    assert.match(fromBundle, /"ID": "KSV-0017"/);
    assert.equal(fromBundle, fromSources);
  });

  it("shows the operator's status the same way", async () => {
    const view = {
      ready: true,
      mode: 'Inline',
      vulnerabilityDb: { ageSeconds: 3600 },
      queue: { waiting: 0, running: 0 },
      coverage: { covered: 1, running: 1, ratio: 1 },
      images: {
        counts: { pending: 0, scanning: 0, done: 1, failed: 0 },
        items: [
          {
            digest: `sha256:${'a'.repeat(64)}`,
            platform: 'linux/amd64',
            repository: 'registry.example/app',
            state: 'done',
            attempts: 1,
            workloads: ['default/replicaset-app'],
          },
        ],
      },
      workloadsNotDone: [],
    };
    const server: Server = createServer((request, response) => {
      response.writeHead(request.url === '/status' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(view));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { fromBundle, fromSources } = await bothWays(['status', '--url', url]);
      assert.match(fromBundle, /^Operator: ready, scans in Inline mode$/m);
      assert.match(fromBundle, /registry\.example\/app@sha256:aaaa/);
      assert.equal(fromBundle, fromSources);
    } finally {
      server.close();
    }
  });
});
