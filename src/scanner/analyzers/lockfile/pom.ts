import { posix } from 'node:path';
import { baseName } from '../lang/language-package.ts';
import type { AnalysisResult, Analyzer } from '../types.ts';
import { lockFileApplication, type LockedPackage } from './locked-package.ts';
import { unresolvedReference } from './pom-properties.ts';
import { PomLoader, pomPathOf, type EffectivePom } from './pom-resolver.ts';

const type = 'pom';

/** Nested `<modules>` deeper than this are not followed. */
const maxModuleDepth = 16;

/**
 * Maven `pom.xml`, as Trivy reads it in fs mode: the project itself (`root`), its modules (`workspace`, followed
 * through `<modules>`, each also reported again as its own pom.xml, as Trivy does) and their dependencies
 * (`direct`), with versions from properties, `dependencyManagement` and parents found next to the POM
 * (`<relativePath>`, `../pom.xml`). Compile and runtime scopes are kept, `test` is a development dependency,
 * `provided`, `system` and optional dependencies are left out.
 *
 * Unlike Trivy, nothing is downloaded and no local Maven repository is read, so there are no transitive
 * dependencies, and a version that only a remote parent or an imported BOM defines stays unknown: such
 * dependencies are left out with a warning that names where the version would have come from.
 */
export const pomAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => baseName(path) === 'pom.xml',
  async analyze({ path, content, readRelatedFile }) {
    const analyzed = baseName(path);
    const read = readRelatedFile ?? (() => Promise.resolve(undefined));
    const loader = new PomLoader(type, path, read);
    const root = await loader.load(analyzed, content);
    if (!root) return undefined;
    const collected = new PackageCollector(root);
    collected.project(root, 'root');
    await addModules(loader, root, collected, new Set([analyzed]), 0);
    // Integration-test projects of maven-invoker-plugin (`src/it/<name>/pom.xml`) are not part of the build.
    const locked = isInvokerTestProject(path)
      ? collected.packages.map((pkg) => ({ ...pkg, dev: true }))
      : collected.packages;
    const result: AnalysisResult = lockFileApplication(type, path, locked) ?? {};
    const warnings = [...loader.problems, ...collected.warnings()];
    if (warnings.length > 0) result.warnings = warnings;
    return result.applications || result.warnings ? result : undefined;
  },
};

async function addModules(
  loader: PomLoader,
  pom: EffectivePom,
  collected: PackageCollector,
  seen: Set<string>,
  depth: number,
): Promise<void> {
  if (depth >= maxModuleDepth) return;
  for (const module of pom.model.modules) {
    const modulePath = pomPathOf(posix.dirname(pom.path), module);
    if (modulePath === undefined || seen.has(modulePath)) continue;
    seen.add(modulePath);
    const modulePom = await loader.load(modulePath);
    if (!modulePom) {
      collected.note(
        `module ${module}: no POM at ${loader.artifactPath(modulePath)} in the scanned directory`,
      );
      continue;
    }
    collected.project(modulePom, 'workspace');
    await addModules(loader, modulePom, collected, seen, depth + 1);
  }
}

/** `src/it/<project>/pom.xml` or `target/it/<project>/pom.xml`. */
function isInvokerTestProject(path: string): boolean {
  const parts = path.split('/');
  return parts.length >= 4 && ['src', 'target'].includes(parts.at(-4)!) && parts.at(-3) === 'it';
}

type Usage = 'runtime' | 'test' | 'excluded';

/** Maven scopes: what ships with the application, what only its tests use, and what someone else provides. */
function usageOf(scope: string, optional: string): Usage {
  if (optional === 'true') return 'excluded';
  if (scope === '' || scope === 'compile' || scope === 'runtime') return 'runtime';
  return scope === 'test' ? 'test' : 'excluded';
}

/** Packages of one analyzed POM and its modules, and the dependencies left out for want of a version. */
class PackageCollector {
  readonly packages: LockedPackage[] = [];
  readonly #root: LockedPackage | undefined;
  /** Dependencies left out, grouped by why (`no version; …`). */
  readonly #unresolved = new Map<string, Set<string>>();
  readonly #notes: string[] = [];

  constructor(root: EffectivePom) {
    this.#root = this.#projectPackage(root, 'root');
  }

  /** The project of `pom` and its dependencies (the analyzed POM is the root, modules are workspace members). */
  project(pom: EffectivePom, relationship: 'root' | 'workspace'): void {
    const own = relationship === 'root' ? this.#root : this.#projectPackage(pom, relationship);
    const dependencies = this.#dependenciesOf(pom);
    this.packages.push(...dependencies);
    if (own) {
      own.dependsOn = dependencies.map((dependency) => dependency.id!);
      this.packages.push(own);
      if (this.#root && own !== this.#root) this.#root.dependsOn!.push(own.id!);
    }
  }

  note(message: string): void {
    this.#notes.push(message);
  }

  warnings(): string[] {
    const unresolved = [...this.#unresolved].map(
      ([reason, names]) => `left out, version not resolved (${reason}): ${[...names].join(', ')}`,
    );
    return [...this.#notes, ...unresolved];
  }

  #projectPackage(pom: EffectivePom, relationship: 'root' | 'workspace'): LockedPackage | undefined {
    const groupId = pom.resolve(pom.groupId);
    const artifactId = pom.resolve(pom.artifactId);
    const version = pom.resolve(pom.version);
    if (!isKnown(groupId) || !isKnown(artifactId) || !isKnown(version)) return undefined;
    return {
      name: `${groupId}:${artifactId}`,
      version,
      id: `${groupId}:${artifactId}:${version}`,
      relationship,
      licenses: pom.licenses,
      dependsOn: [],
    };
  }

  #dependenciesOf(pom: EffectivePom): LockedPackage[] {
    const { resolve } = pom;
    const managed = new Map<string, { version: string; scope: string; optional: string }>();
    const boms: string[] = [];
    for (const entry of pom.dependencyManagement) {
      const name = `${resolve(entry.groupId)}:${resolve(entry.artifactId)}`;
      if (resolve(entry.scope) === 'import') boms.push(`${name}:${resolve(entry.version)}`);
      else if (!managed.has(name)) managed.set(name, entry);
    }
    const found: LockedPackage[] = [];
    const seen = new Set<string>();
    for (const dependency of pom.dependencies) {
      const groupId = resolve(dependency.groupId);
      const artifactId = resolve(dependency.artifactId);
      const name = `${groupId}:${artifactId}`;
      if (seen.has(name)) continue;
      seen.add(name);
      const management = managed.get(name);
      const usage = usageOf(
        resolve(dependency.scope || management?.scope || ''),
        resolve(dependency.optional || management?.optional || ''),
      );
      if (usage === 'excluded') continue;
      const written = dependency.version || management?.version || '';
      const version = exactVersion(resolve(written));
      if (!isKnown(groupId) || !isKnown(artifactId) || version === undefined) {
        this.#leftOut(name, this.#whyUnresolved(pom, name, written, resolve(written), boms));
        continue;
      }
      found.push({
        name,
        version,
        id: `${name}:${version}`,
        relationship: 'direct',
        dev: usage === 'test',
      });
    }
    return found;
  }

  #whyUnresolved(pom: EffectivePom, name: string, written: string, resolved: string, boms: string[]): string {
    const missing = unresolvedReference(name) ?? unresolvedReference(resolved);
    let reason: string;
    if (missing !== undefined) reason = `\${${missing}} is not defined`;
    else if (written === '') reason = 'no version';
    else reason = `version range ${resolved} needs a repository`;
    const sources = [
      ...pom.missingParents.map((parent) => `parent ${parent}`),
      ...boms.map((bom) => `imported BOM ${bom}`),
    ];
    if (sources.length > 0)
      reason += `; it may come from ${sources.join(' or ')}, which is not in the scanned files, and trivy-ts reads no Maven repository`;
    return reason;
  }

  #leftOut(name: string, reason: string): void {
    let names = this.#unresolved.get(reason);
    if (!names) this.#unresolved.set(reason, (names = new Set()));
    names.add(name);
  }
}

function isKnown(value: string): boolean {
  return value !== '' && !value.includes('${');
}

/**
 * A version a dependency can be matched with: a plain version, or a range pinned to one (`[1.2.3]`). Other ranges
 * (`[1.0,2.0)`) are chosen by Maven from a repository's versions, so they stay unresolved here, as in Trivy.
 */
function exactVersion(version: string): string | undefined {
  const pinned = /^\[([^,()[\]]+)\]$/.exec(version)?.[1]?.trim() ?? version;
  if (!isKnown(pinned) || /[,()[\]]/.test(pinned)) return undefined;
  return pinned;
}
