/**
 * The container image the chart runs (Dockerfile, .dockerignore). There is no Docker engine here, so the Dockerfile
 * is linted for the properties that matter — pinned base, multi-stage with production dependencies only, non-root
 * numeric user that the chart runs as, `trivy-ts` as the entrypoint (what the Deployment and the scan Jobs call), no
 * secrets, nothing fetched from the network but npm packages — and the image's file layout is rebuilt in a
 * directory: production packages only, the launcher reached through the /usr/local/bin symlink, Node at
 * node_modules/.bin/node. Every command must start from there.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, symlink, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { buildCli } from '../../scripts/build.ts';
import { repoRoot } from '../../scripts/kube-tools.ts';
import { buildScanJob } from '../../src/operator/analysis/scan-job-spec.ts';
import { find, renderChart } from './helm-render.ts';
import type { V1Deployment } from '@kubernetes/client-node';

const run = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with line continuations joined and comments dropped, numbered by build stage. */
function parseDockerfile(text: string): Instruction[] {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const instructions: Instruction[] = [];
  let stage = -1;
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    instructions.push({ keyword, args: match[2]!.trim(), stage });
  }
  return instructions;
}

/** The final stage: the image. */
function lastStage(instructions: Instruction[]): number {
  return Math.max(...instructions.map((instruction) => instruction.stage));
}

/** The top-level packages `npm ci --omit=dev` installs, from package-lock.json. */
async function productionPackages(): Promise<string[]> {
  const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional)
    .map(([path]) => path.slice('node_modules/'.length))
    .filter((name) => !name.includes('/node_modules/'));
}

describe('container image', () => {
  let dockerfile: Instruction[];
  let pkg: { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

  before(async () => {
    dockerfile = parseDockerfile(await readFile(join(repoRoot, 'Dockerfile'), 'utf8'));
    pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as typeof pkg;
  });

  it('builds in stages from a pinned Node base of the version package.json pins', () => {
    const arg = dockerfile.find((instruction) => instruction.keyword === 'ARG' && instruction.stage === -1);
    assert.equal(arg?.args, `NODE_VERSION=${pkg.devDependencies.node}`);
    const froms = dockerfile.filter((instruction) => instruction.keyword === 'FROM');
    assert.deepEqual(
      froms.map((from) => / AS (\w+)$/.exec(from.args)?.[1]),
      ['bundle', 'build', undefined],
      'the CLI bundle, the app with production dependencies, the final image',
    );
    for (const from of froms) assert.match(from.args, /^node:\$\{NODE_VERSION\}-bookworm-slim( AS \w+)?$/);
    const [bundleStage, buildStage, finalStage] = froms.map((from) => from.stage);
    const inStage = (stage: number | undefined) =>
      dockerfile.filter((instruction) => instruction.stage === stage);
    assert.ok(
      inStage(bundleStage).some((instruction) => /^node scripts\/build\.ts\b/.test(instruction.args)),
      'the bundle stage runs the build script',
    );
    assert.ok(
      inStage(buildStage).some(
        (instruction) => instruction.keyword === 'RUN' && /\bnpm ci --omit=dev\b/.test(instruction.args),
      ),
      'production dependencies',
    );
    const build = inStage(buildStage);
    const bundleCopy = build.findIndex(
      (instruction) =>
        instruction.keyword === 'COPY' && /^--from=bundle \/app\/dist\b/.test(instruction.args),
    );
    assert.ok(bundleCopy >= 0, 'the bundle, and nothing else of its stage');
    // The launcher runs the bundle only while no source is newer: the copied sources must not be.
    const touch = build.findIndex(
      (instruction) =>
        instruction.keyword === 'RUN' && /\btouch dist\/cli\/main\.js\b/.test(instruction.args),
    );
    assert.ok(touch > bundleCopy, 'the bundle is made newer than the sources after it is copied');
    assert.ok(
      build.slice(touch + 1).every((instruction) => instruction.keyword !== 'COPY'),
      'nothing is copied after the bundle is made newest',
    );
    const final = inStage(finalStage);
    assert.ok(
      final.some(
        (instruction) => instruction.keyword === 'COPY' && instruction.args.startsWith('--from=build'),
      ),
    );
    assert.ok(
      !final.some((instruction) => /\bnpm (ci|install)\b/.test(instruction.args)),
      'no npm in the final stage',
    );
  });

  it('runs as the non-root numeric user that the chart runs its pods as', async () => {
    const users = dockerfile.filter(
      (instruction) => instruction.keyword === 'USER' && instruction.stage === lastStage(dockerfile),
    );
    const [uid, gid] = users.at(-1)!.args.split(':').map(Number);
    assert.ok(uid !== undefined && uid > 0 && gid !== undefined && gid > 0, 'numeric, not root');
    const values = parse(await readFile(join(repoRoot, 'deploy/helm/values.yaml'), 'utf8')) as {
      podSecurityContext: { runAsUser: number; runAsGroup: number; runAsNonRoot: boolean };
    };
    assert.deepEqual([values.podSecurityContext.runAsUser, values.podSecurityContext.runAsGroup], [uid, gid]);
    assert.equal(values.podSecurityContext.runAsNonRoot, true);
  });

  it('has trivy-ts as its entrypoint, which the Deployment and the scan Jobs call', async () => {
    const entrypoint = dockerfile.filter((instruction) => instruction.keyword === 'ENTRYPOINT').at(-1);
    assert.deepEqual(JSON.parse(entrypoint!.args), ['trivy-ts'], 'exec form');
    const link = dockerfile.find((instruction) =>
      /ln -s \/app\/bin\/trivy-ts \/usr\/local\/bin\/trivy-ts/.test(instruction.args),
    );
    assert.ok(link, 'trivy-ts is on PATH');
    const rendered = await renderChart();
    const container = find<V1Deployment>(rendered.objects, 'Deployment').spec!.template.spec!.containers[0]!;
    assert.deepEqual(container.command, ['trivy-ts']);
    const job = buildScanJob(
      {
        digest: `sha256:${'0'.repeat(64)}`,
        platform: 'linux/amd64',
        repository: 'x',
        mirrors: {},
        scanSecrets: true,
      } as never,
      {
        namespace: 'trivy-system',
        image: 'img',
        serviceAccountName: 'sa',
        automountServiceAccountToken: false,
        timeoutSeconds: 60,
      },
    );
    assert.deepEqual(job.spec!.template.spec!.containers[0]!.command, ['trivy-ts']);
  });

  it('copies only what it needs, allowed by .dockerignore, and holds no secrets', async () => {
    const ignore = (await readFile(join(repoRoot, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    // Docker applies the patterns in order; the last match decides.
    const sent = (path: string) => {
      let included = true;
      for (const pattern of ignore) {
        const negated = pattern.startsWith('!');
        const glob = (negated ? pattern.slice(1) : pattern).replace(/\/$/, '');
        // Docker's * (Go's filepath.Match) also matches names that start with a dot.
        const match = (candidate: string) => picomatch.isMatch(path, candidate, { dot: true });
        if (match(glob) || match(`${glob}/**`)) included = negated;
      }
      return included;
    };
    for (const path of [
      'node_modules/x/index.js',
      '.git/config',
      'test/deploy/helm.test.ts',
      '.cache/db',
      'docs/x.md',
    ])
      assert.equal(sent(path), false, path);
    const copies = dockerfile.filter(
      (instruction) => instruction.keyword === 'COPY' && !instruction.args.startsWith('--from'),
    );
    for (const copy of copies) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        await stat(join(repoRoot, source));
        assert.ok(sent(source), `${source} is sent to the builder`);
      }
    }
    for (const instruction of dockerfile) {
      assert.notEqual(instruction.keyword, 'ADD', 'COPY only; ADD can fetch URLs');
      if (['ENV', 'ARG', 'LABEL'].includes(instruction.keyword))
        assert.doesNotMatch(
          instruction.args,
          /token|password|secret|credential|api[_-]?key/i,
          instruction.args,
        );
      assert.doesNotMatch(instruction.args, /\b(curl|wget)\b/, 'nothing is downloaded but npm packages');
    }
  });

  it('imports nothing at run time that only a dev dependency provides', async () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const problems: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith('.ts')) {
          const text = await readFile(path, 'utf8');
          for (const match of text.matchAll(/^\s*import\s+(?!type\b)[^'"]*?['"]([^'"]+)['"]/gm)) {
            const specifier = match[1]!;
            if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
            const name = specifier.startsWith('@')
              ? specifier.split('/').slice(0, 2).join('/')
              : specifier.split('/')[0]!;
            if (!allowed.has(name)) problems.push(`${relative(repoRoot, path)}: ${specifier}`);
          }
        }
      }
    };
    await walk(join(repoRoot, 'src'));
    assert.deepEqual(problems, []);
  });

  describe("the image's file layout", () => {
    let root: string;
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'trivy-ts-image-'));
      const app = join(root, 'app');
      await mkdir(join(app, 'node_modules', '.bin'), { recursive: true });
      for (const file of ['package.json', 'package-lock.json'])
        await cp(join(repoRoot, file), join(app, file));
      for (const dir of ['bin', 'src']) await cp(join(repoRoot, dir), join(app, dir), { recursive: true });
      for (const name of await productionPackages()) {
        await mkdir(dirname(join(app, 'node_modules', name)), { recursive: true });
        await symlink(join(repoRoot, 'node_modules', name), join(app, 'node_modules', name));
      }
      // ln -s /usr/local/bin/node node_modules/.bin/node; ln -s /app/bin/trivy-ts /usr/local/bin/trivy-ts
      await symlink(await realpath(process.execPath), join(app, 'node_modules', '.bin', 'node'));
      await mkdir(join(root, 'usr', 'local', 'bin'), { recursive: true });
      await symlink(join(app, 'bin', 'trivy-ts'), join(root, 'usr', 'local', 'bin', 'trivy-ts'));
      // COPY --from=bundle /app/dist ./dist, newer than everything it was built from.
      await buildCli(join(app, 'dist', 'cli'));
    });
    after(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('starts trivy-ts from PATH with the production packages only, from the sources', async () => {
      const env = {
        PATH: `${join(root, 'usr', 'local', 'bin')}:/usr/bin:/bin`,
        XDG_CACHE_HOME: join(root, 'tmp'),
        HOME: '/nonexistent',
        // The layout holds a fresh bundle (the next test); the sources must run with these packages too.
        TRIVY_TS_FROM_SOURCES: '1',
      };
      const version = await run('trivy-ts', ['--version'], { env });
      assert.equal(version.stdout.trim(), pkg.version);
      for (const command of ['operator', 'scan-job']) {
        const help = await run('trivy-ts', [command, '--help'], { env });
        assert.match(help.stdout, new RegExp(`Usage: trivy-ts ${command}`));
      }
      // It fails the way a user can act on when the operator has no cluster, not with a missing module.
      const operator = await run('trivy-ts', ['operator', '--kubeconfig', join(root, 'missing')], {
        env,
      }).catch((error: { stderr: string }) => error);
      assert.doesNotMatch(
        (operator as { stderr: string }).stderr,
        /ERR_MODULE_NOT_FOUND|Cannot find (module|package)/,
      );
    });

    it('runs the bundle, which needs no sources and only production packages', async () => {
      const env = {
        PATH: `${join(root, 'usr', 'local', 'bin')}:/usr/bin:/bin`,
        XDG_CACHE_HOME: join(root, 'tmp'),
        HOME: '/nonexistent',
      };
      const sources = join(root, 'app', 'src');
      await rename(sources, `${sources}.away`);
      try {
        const version = await run('trivy-ts', ['--version'], { env });
        assert.equal(version.stdout.trim(), pkg.version);
        const help = await run('trivy-ts', ['scan-job', '--help'], { env });
        assert.match(help.stdout, /Usage: trivy-ts scan-job/);
        // The Kubernetes client stays in node_modules (scripts/build.ts): it must load from there.
        const operator = await run('trivy-ts', ['operator', '--kubeconfig', join(root, 'missing')], {
          env: { ...env, OPERATOR_NAMESPACE: 'trivy-system', OPERATOR_SCAN_MODE: 'Inline' },
        }).catch((error: { stderr: string }) => error);
        assert.match((operator as { stderr: string }).stderr, /cannot load the kubeconfig/);
        // A scan command's chunk and the packages it bundles: a missing SBOM file is a user error, not a crash.
        const sbom = await run('trivy-ts', ['sbom', join(root, 'missing.json')], { env }).catch(
          (error: { stderr: string; code: number }) => error,
        );
        assert.doesNotMatch(
          (sbom as { stderr: string }).stderr,
          /ERR_MODULE_NOT_FOUND|Cannot find (module|package)/,
        );
        assert.match((sbom as { stderr: string }).stderr, /missing\.json/);
      } finally {
        await rename(`${sources}.away`, sources);
      }
    });
  });
});
