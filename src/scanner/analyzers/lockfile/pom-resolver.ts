import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { AnalyzerError } from '../types.ts';
import { readPomModel, type PomDependency, type PomModel, type PomParent } from './pom-model.ts';
import { propertyResolver } from './pom-properties.ts';
import { parseXmlManifest } from './xml-document.ts';

/**
 * One POM with what it inherits from the parents found next to it (Maven's effective model, as far as local files
 * tell): coordinates, properties, managed versions, dependencies and licenses.
 */
export interface EffectivePom {
  /** Relative to the analyzed POM's directory: `pom.xml`, `core/pom.xml`, `../pom.xml`. */
  path: string;
  model: PomModel;
  /** Coordinates as written or inherited (from the `<parent>` element when the parent's POM is not found). */
  groupId: string;
  artifactId: string;
  version: string;
  licenses: string[];
  /** `<properties>` of the parents, then this POM's own, raw. */
  properties: Map<string, string>;
  /** Interpolates `${…}` with this POM's properties and its `project.*` values. */
  resolve: (value: string) => string;
  /** This POM's managed dependencies first, then its parents' (the nearest declaration of a name wins). */
  dependencyManagement: PomDependency[];
  /** This POM's dependencies, then its parents' (a redeclared name keeps the child's entry). */
  dependencies: PomDependency[];
  /** `group:artifact:version` of ancestors that are not in the scanned files (a repository would have them). */
  missingParents: string[];
}

/** Reads a file by its path relative to the analyzed POM's directory; undefined when there is none. */
export type RelatedFileReader = (path: string) => Promise<Buffer | undefined>;

/** Parents deeper than this are treated as missing: real hierarchies are a handful of levels. */
const maxParentDepth = 32;

/**
 * Models of recently parsed POMs, by content. In a multi-module project every module's analysis reads the same
 * parents and the root's reads every module: without this, a project of n modules parses its root POM n times.
 * Models are never mutated, so sharing them is safe; the bound keeps a huge monorepo from holding them all.
 */
const parsedModels = new Map<string, PomModel>();
const maxParsedModels = 256;

async function pomModelOf(type: string, path: string, content: Buffer): Promise<PomModel> {
  const key = createHash('sha256').update(content).digest('base64');
  const cached = parsedModels.get(key);
  if (cached) return cached;
  const model = readPomModel(await parseXmlManifest(type, path, content, 'project'));
  if (parsedModels.size >= maxParsedModels) parsedModels.delete(parsedModels.keys().next().value!);
  parsedModels.set(key, model);
  return model;
}

/**
 * Loads POMs of one scan and resolves their parents through `<relativePath>` (default `../pom.xml`), as Maven does
 * before it looks in a repository. Nothing is ever downloaded: a parent that is not among the scanned files is
 * recorded in `missingParents`, and what it would have supplied stays unresolved. Each file is read and parsed once.
 */
export class PomLoader {
  readonly #type: string;
  /** The analyzed POM's directory in the artifact: messages name files by their full path. */
  readonly #base: string;
  readonly #read: RelatedFileReader;
  readonly #loaded = new Map<string, EffectivePom | undefined>();
  /** The chain being loaded (loads run one at a time): a parent that loops back to it is treated as missing. */
  readonly #loading = new Set<string>();
  /** Problems with related files (a parent or module that is not valid XML), for the analyzer's warnings. */
  readonly problems: string[] = [];

  constructor(type: string, analyzedPath: string, read: RelatedFileReader) {
    this.#type = type;
    this.#base = posix.dirname(analyzedPath);
    this.#read = read;
  }

  /** A path relative to the analyzed POM's directory, as a path in the scanned artifact. */
  artifactPath(path: string): string {
    return posix.normalize(posix.join(this.#base, path));
  }

  /**
   * The effective model of the POM at `path` (relative to the analyzed POM's directory), read through the reader
   * unless `content` is given. The analyzed POM's own errors are thrown; a related file's are noted in `problems`.
   */
  async load(path: string, content?: Buffer): Promise<EffectivePom | undefined> {
    const normalized = posix.normalize(path);
    if (this.#loaded.has(normalized)) return this.#loaded.get(normalized);
    if (this.#loading.has(normalized) || this.#loading.size >= maxParentDepth) return undefined;
    this.#loading.add(normalized);
    try {
      const pom = await this.#build(normalized, content);
      this.#loaded.set(normalized, pom);
      return pom;
    } finally {
      this.#loading.delete(normalized);
    }
  }

  async #build(path: string, given: Buffer | undefined): Promise<EffectivePom | undefined> {
    const content = given ?? (await this.#read(path));
    if (content === undefined) return undefined;
    let model: PomModel;
    try {
      model = await pomModelOf(this.#type, this.artifactPath(path), content);
    } catch (error) {
      if (given !== undefined || !(error instanceof AnalyzerError)) throw error;
      this.problems.push(`${this.artifactPath(path)} is not read: ${error.message}`);
      return undefined;
    }
    const parent = model.parent?.artifactId ? await this.#parentOf(path, model.parent) : undefined;
    return effectivePom(path, model, parent);
  }

  async #parentOf(path: string, wanted: PomParent): Promise<EffectivePom | undefined> {
    const relativePaths =
      wanted.relativePath === undefined
        ? ['../pom.xml']
        : wanted.relativePath === ''
          ? []
          : [wanted.relativePath, '../pom.xml'];
    for (const relativePath of new Set(relativePaths)) {
      const candidatePath = pomPathOf(posix.dirname(path), relativePath);
      if (candidatePath === undefined) continue;
      const candidate = await this.load(candidatePath);
      if (candidate && isThePomNamed(candidate, wanted)) return candidate;
    }
    return undefined;
  }
}

/** `dir/relative`, cleaned; a directory means its `pom.xml`. */
export function pomPathOf(dir: string, relative: string): string | undefined {
  const slashed = relative.trim().replaceAll('\\', '/');
  if (slashed === '' || slashed.startsWith('/')) return undefined;
  const joined = posix.normalize(posix.join(dir, slashed)).replace(/\/+$/, '');
  return /\.xml$/i.test(joined) ? joined : posix.join(joined, 'pom.xml');
}

/**
 * Maven takes a local POM as the parent only when its coordinates are the ones `<parent>` names. The group and
 * version are compared when both sides are known: a version written as `${revision}` is only known to the build.
 */
function isThePomNamed(candidate: EffectivePom, wanted: PomParent): boolean {
  if (candidate.artifactId !== wanted.artifactId) return false;
  const known = (value: string) => value !== '' && !value.includes('${');
  const group = candidate.resolve(candidate.groupId);
  if (known(wanted.groupId) && known(group) && group !== wanted.groupId) return false;
  const version = candidate.resolve(candidate.version);
  return !(known(wanted.version) && known(version) && version !== wanted.version);
}

function effectivePom(path: string, model: PomModel, parent: EffectivePom | undefined): EffectivePom {
  const declared = model.parent;
  const groupId = model.groupId || declared?.groupId || parent?.groupId || '';
  const version = model.version || declared?.version || parent?.version || '';
  const properties = new Map([...(parent?.properties ?? []), ...model.properties]);
  const projectValues = new Map<string, string>([
    ['groupId', groupId],
    ['artifactId', model.artifactId],
    ['version', version],
    ['packaging', model.packaging || 'jar'],
    ['name', model.name],
    ['parent.groupId', declared?.groupId ?? ''],
    ['parent.artifactId', declared?.artifactId ?? ''],
    ['parent.version', declared?.version ?? ''],
  ]);
  // The model's own values win over same-named `<properties>`; `${version}` and `${pom.version}` are Maven 2's
  // spellings of them, which Maven 3 still resolves.
  const interpolation = new Map(properties);
  for (const [key, value] of projectValues)
    for (const name of [key, `project.${key}`, `pom.${key}`]) interpolation.set(name, value);
  let missingParents: string[] = [];
  if (parent) missingParents = parent.missingParents;
  else if (declared?.artifactId)
    missingParents = [[declared.groupId, declared.artifactId, declared.version].join(':')];
  return {
    path,
    model,
    groupId,
    artifactId: model.artifactId,
    version,
    licenses: model.licenses.length > 0 ? model.licenses : (parent?.licenses ?? []),
    properties,
    resolve: propertyResolver(interpolation),
    dependencyManagement: [...model.dependencyManagement, ...(parent?.dependencyManagement ?? [])],
    dependencies: [...model.dependencies, ...(parent?.dependencies ?? [])],
    missingParents,
  };
}
