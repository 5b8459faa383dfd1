import { existsSync } from 'node:fs';
import { BoltDb, type BoltBucket } from '../bbolt/index.ts';
import { dbFilePath, dbMetadataPath, defaultCacheDir } from '../../../config/paths.ts';
import { silentLogger, type Logger } from '../../../util/logger.ts';
import { TrivyDbMissingError, TrivyDbValueError } from './errors.ts';
import { assertSupportedSchema, readMetadata, type TrivyDbMetadata } from './metadata.ts';
import { normalizePackageName } from './package-name.ts';
import {
  decodeAdvisory,
  decodeDataSource,
  decodeVulnerability,
  InvalidValueProblem,
  type Advisory,
  type DataSource,
  type Vulnerability,
} from './schema.ts';

export const VULNERABILITY_BUCKET = 'vulnerability';
export const DATA_SOURCE_BUCKET = 'data-source';

/** A cache dir in Trivy's layout (`<dir>/db/trivy.db` + `metadata.json`), or explicit file paths. */
export type TrivyDbLocation = string | { dbPath: string; metadataPath: string };

export interface TrivyDbOptions {
  /** Page cache of the bbolt reader (bytes). */
  pageCacheBytes?: number;
  /** How many decoded `vulnerability` values to keep (default 10,000; 0 disables). */
  vulnerabilityCacheSize?: number;
  /**
   * How many decoded advisories to keep, as whole per-package lists (default 100,000 ≈ 30 MB; 0 disables). Repeated
   * lookups of the same package (many images share packages) then cost a map hit instead of a B+tree walk and JSON.
   */
  advisoryCacheSize?: number;
  /**
   * Called for each malformed stored value; the value is then skipped. Default: log a warning (via `logger`).
   * Throw from it to abort the lookup instead.
   */
  onInvalidValue?: (error: TrivyDbValueError) => void;
  logger?: Logger;
}

export type BucketKind = 'os' | 'language' | 'vulnerability' | 'data-source' | 'other';

export interface BucketStats {
  bucket: string;
  kind: BucketKind;
  dataSource: DataSource | undefined;
  /** Nested buckets (packages) directly under this bucket. */
  packages: number;
  /** Values inside those nested buckets (advisories). */
  advisories: number;
  /** Values directly in this bucket (the `vulnerability` and `data-source` buckets are flat). */
  entries: number;
}

export interface TrivyDbStats {
  buckets: BucketStats[];
  packages: number;
  advisories: number;
  vulnerabilities: number;
  dataSources: number;
}

function bucketKind(name: string, dataSource: DataSource | undefined): BucketKind {
  if (name === VULNERABILITY_BUCKET) return 'vulnerability';
  if (name === DATA_SOURCE_BUCKET) return 'data-source';
  if (name.includes('::')) return 'language';
  return dataSource ? 'os' : 'other';
}

/** A bucket name, or an object standing for a group of buckets. */
type Namespace = string | object;

/**
 * A cost-bounded cache of recently used entries in two generations: hits in the old generation move to the young one,
 * and when the young one holds half the capacity it becomes the old one (the previous old one is dropped). Cheaper
 * than an exact LRU on every hit. Keys are (namespace, name) pairs.
 */
class RecentlyUsed<V> {
  readonly #halfCapacity: number;
  #young = new Map<Namespace, Map<string, { value: V; cost: number }>>();
  #old = new Map<Namespace, Map<string, { value: V; cost: number }>>();
  #youngCost = 0;

  constructor(capacity: number) {
    this.#halfCapacity = capacity / 2;
  }

  get(namespace: Namespace, name: string): V | undefined {
    const young = this.#young.get(namespace)?.get(name);
    if (young !== undefined) return young.value;
    const old = this.#old.get(namespace)?.get(name);
    if (old === undefined) return undefined;
    this.#add(namespace, name, old);
    return old.value;
  }

  set(namespace: Namespace, name: string, value: V, cost = 1): void {
    this.#add(namespace, name, { value, cost });
  }

  #add(namespace: Namespace, name: string, entry: { value: V; cost: number }): void {
    if (entry.cost > this.#halfCapacity) return;
    if (this.#youngCost + entry.cost > this.#halfCapacity) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngCost = 0;
    }
    let names = this.#young.get(namespace);
    if (!names) this.#young.set(namespace, (names = new Map()));
    names.set(name, entry);
    this.#youngCost += entry.cost;
  }
}

/**
 * Read access to a Trivy DB (schema 2). Lookups follow Trivy: OS advisories come from one exact bucket; language
 * advisories merge every `<ecosystem>::…` bucket in byte order (a later bucket wins for the same vulnerability ID).
 * Every advisory carries the DataSource of its bucket. Malformed values are reported and skipped; a structurally
 * corrupt file throws BoltFormatError.
 */
export class TrivyDb {
  readonly dbPath: string;
  readonly metadataPath: string;
  readonly metadata: TrivyDbMetadata;
  readonly #bolt: BoltDb;
  readonly #topLevel: ReadonlySet<string>;
  readonly #languageBuckets: ReadonlyMap<string, readonly string[]>;
  readonly #buckets = new Map<string, BoltBucket>();
  readonly #vulnerabilities: RecentlyUsed<Vulnerability | null>;
  readonly #advisoryLists: RecentlyUsed<readonly Advisory[]>;
  readonly #onInvalidValue: (error: TrivyDbValueError) => void;
  #dataSources: Map<string, DataSource> | undefined;
  #invalidValues = 0;

  private constructor(
    paths: { dbPath: string; metadataPath: string },
    metadata: TrivyDbMetadata,
    bolt: BoltDb,
    options: TrivyDbOptions,
  ) {
    this.dbPath = paths.dbPath;
    this.metadataPath = paths.metadataPath;
    this.metadata = metadata;
    this.#bolt = bolt;
    const names: string[] = [];
    const languageBuckets = new Map<string, string[]>();
    for (const entry of bolt.root().entries()) {
      const name = entry.key.toString('utf8');
      names.push(name);
      const separator = name.indexOf('::');
      if (separator > 0) {
        const ecosystem = name.slice(0, separator);
        let list = languageBuckets.get(ecosystem);
        if (!list) languageBuckets.set(ecosystem, (list = []));
        list.push(name);
      }
    }
    this.#topLevel = new Set(names);
    this.#languageBuckets = languageBuckets;
    this.#vulnerabilities = new RecentlyUsed(options.vulnerabilityCacheSize ?? 10_000);
    this.#advisoryLists = new RecentlyUsed(options.advisoryCacheSize ?? 100_000);
    const logger = options.logger ?? silentLogger;
    this.#onInvalidValue =
      options.onInvalidValue ??
      ((error) =>
        logger.warn(
          { bucket: error.bucket, package: error.packageName, key: error.key, problem: error.problem },
          'skipping an invalid value in the vulnerability database',
        ));
  }

  /** Opens the DB in `location` (default: the default cache dir). Checks metadata.json and the schema version first. */
  static open(location: TrivyDbLocation = defaultCacheDir(), options: TrivyDbOptions = {}): TrivyDb {
    const paths =
      typeof location === 'string'
        ? { dbPath: dbFilePath(location), metadataPath: dbMetadataPath(location) }
        : location;
    if (!existsSync(paths.dbPath)) throw new TrivyDbMissingError(paths.dbPath);
    const metadata = readMetadata(paths.metadataPath);
    assertSupportedSchema(metadata, paths.metadataPath);
    const bolt = BoltDb.open(
      paths.dbPath,
      options.pageCacheBytes === undefined ? {} : { pageCacheBytes: options.pageCacheBytes },
    );
    try {
      return new TrivyDb(paths, metadata, bolt, options);
    } catch (error) {
      bolt.close();
      throw error;
    }
  }

  get fileSize(): number {
    return this.#bolt.fileSize;
  }

  /** Malformed values met so far (each was skipped). */
  get invalidValueCount(): number {
    return this.#invalidValues;
  }

  /** Top-level bucket names in byte order. */
  bucketNames(): string[] {
    return [...this.#topLevel];
  }

  /** Names of the `<ecosystem>::…` buckets in byte order. */
  languageBucketNames(ecosystem: string): readonly string[] {
    return this.#languageBuckets.get(ecosystem) ?? [];
  }

  /**
   * Advisories for `pkgName` in one OS bucket (e.g. `debian 12`, source package name), in vulnerability ID order.
   * The list and its advisories are frozen and shared between callers.
   */
  advisories(bucket: string, pkgName: string): readonly Advisory[] {
    let found = this.#advisoryLists.get(bucket, pkgName);
    if (found === undefined) {
      const list: Advisory[] = [];
      this.#collect(bucket, pkgName, (advisory) => list.push(advisory));
      found = Object.freeze(list);
      this.#advisoryLists.set(bucket, pkgName, found, list.length + 1);
    }
    return found;
  }

  /**
   * Advisories for a language package from every `<ecosystem>::` bucket. The name is normalized for the ecosystem
   * first. For the same vulnerability ID a later bucket (byte order) replaces an earlier one, as in Trivy.
   * The list and its advisories are frozen and shared between callers.
   */
  languageAdvisories(ecosystem: string, pkgName: string): readonly Advisory[] {
    const buckets = this.#languageBuckets.get(ecosystem);
    if (!buckets) return [];
    const name = normalizePackageName(ecosystem, pkgName);
    // Cached under the ecosystem's bucket list (an object, so it can never collide with an OS bucket name).
    let found = this.#advisoryLists.get(buckets, name);
    if (found === undefined) {
      const merged = new Map<string, Advisory>();
      for (const bucket of buckets) {
        this.#collect(bucket, name, (advisory) => merged.set(advisory.VulnerabilityID, advisory));
      }
      found = Object.freeze([...merged.values()]);
      this.#advisoryLists.set(buckets, name, found, found.length + 1);
    }
    return found;
  }

  /** Package names (nested bucket names) of one advisory bucket, in byte order. */
  *packageNames(bucket: string): IterableIterator<string> {
    const top = this.#bucket(bucket);
    if (!top) return;
    for (const entry of top.entries()) if (entry.value === null) yield entry.key.toString('utf8');
  }

  /** Details of one vulnerability ID (memoized, bounded); undefined when the DB has none. */
  vulnerability(id: string): Vulnerability | undefined {
    const cached = this.#vulnerabilities.get(VULNERABILITY_BUCKET, id);
    if (cached !== undefined) return cached ?? undefined;
    let vulnerability: Vulnerability | null = null;
    const bytes = this.#bucket(VULNERABILITY_BUCKET)?.get(id);
    if (bytes !== undefined && bytes.length > 0) {
      try {
        vulnerability = Object.freeze(decodeVulnerability(bytes));
      } catch (error) {
        this.#invalid(error, { bucket: VULNERABILITY_BUCKET, key: id });
      }
    }
    this.#vulnerabilities.set(VULNERABILITY_BUCKET, id, vulnerability);
    return vulnerability ?? undefined;
  }

  /** The data source that filled a top-level advisory bucket. */
  dataSource(bucket: string): DataSource | undefined {
    return this.#loadDataSources().get(bucket);
  }

  /** Counts per top-level bucket. Iterates the whole file: meant for `db info`, not for scans. */
  stats(): TrivyDbStats {
    const buckets: BucketStats[] = [];
    for (const name of this.#topLevel) {
      const dataSource = this.dataSource(name);
      const stats: BucketStats = {
        bucket: name,
        kind: bucketKind(name, dataSource),
        dataSource,
        packages: 0,
        advisories: 0,
        entries: 0,
      };
      const bucket = this.#bucket(name)!;
      for (const [, nested] of bucket.buckets()) {
        stats.packages++;
        for (const entry of nested.entries()) if (entry.value !== null) stats.advisories++;
      }
      for (const entry of bucket.entries()) if (entry.value !== null) stats.entries++;
      buckets.push(stats);
    }
    const sum = (pick: (stats: BucketStats) => number, kinds: BucketKind[]) =>
      buckets.filter((stats) => kinds.includes(stats.kind)).reduce((total, stats) => total + pick(stats), 0);
    return {
      buckets,
      packages: sum((stats) => stats.packages, ['os', 'language']),
      advisories: sum((stats) => stats.advisories, ['os', 'language']),
      vulnerabilities: sum((stats) => stats.entries, ['vulnerability']),
      dataSources: sum((stats) => stats.entries, ['data-source']),
    };
  }

  close(): void {
    this.#bolt.close();
  }

  #bucket(name: string): BoltBucket | undefined {
    let bucket = this.#buckets.get(name);
    if (bucket === undefined && this.#topLevel.has(name)) {
      bucket = this.#bolt.root().bucket(name);
      if (bucket) this.#buckets.set(name, bucket);
    }
    return bucket;
  }

  #collect(bucketName: string, pkgName: string, add: (advisory: Advisory) => void): void {
    const pkg = this.#bucket(bucketName)?.bucket(pkgName);
    if (!pkg) return;
    const dataSource = this.dataSource(bucketName);
    for (const entry of pkg.entries()) {
      if (entry.value === null || entry.value.length === 0) continue;
      const id = entry.key.toString('utf8');
      let advisory: Advisory;
      try {
        advisory = decodeAdvisory(id, entry.value);
      } catch (error) {
        this.#invalid(error, { bucket: bucketName, packageName: pkgName, key: id });
        continue;
      }
      if (dataSource) advisory.DataSource = dataSource;
      add(Object.freeze(advisory));
    }
  }

  #loadDataSources(): Map<string, DataSource> {
    if (this.#dataSources) return this.#dataSources;
    const sources = new Map<string, DataSource>();
    const bucket = this.#bucket(DATA_SOURCE_BUCKET);
    if (bucket) {
      for (const entry of bucket.entries()) {
        if (entry.value === null || entry.value.length === 0) continue;
        const name = entry.key.toString('utf8');
        try {
          sources.set(name, Object.freeze(decodeDataSource(entry.value)));
        } catch (error) {
          this.#invalid(error, { bucket: DATA_SOURCE_BUCKET, key: name });
        }
      }
    }
    this.#dataSources = sources;
    return sources;
  }

  #invalid(error: unknown, location: { bucket: string; packageName?: string; key: string }): void {
    if (!(error instanceof InvalidValueProblem)) throw error;
    this.#invalidValues++;
    this.#onInvalidValue(new TrivyDbValueError(location, error.message));
  }
}
