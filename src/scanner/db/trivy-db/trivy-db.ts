import { existsSync } from 'node:fs';
import { BoltDb, type BoltBucket, type CacheStats } from '../bbolt/index.ts';
import { dbFilePath, dbMetadataPath, defaultCacheDir } from '../../../config/paths.ts';
import { silentLogger, type Logger } from '../../../util/logger.ts';
import { DecodedCache, decodedCost, type DecodedCacheStats } from './decoded-cache.ts';
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

export const DEFAULT_ADVISORY_CACHE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_VULNERABILITY_CACHE_BYTES = 16 * 1024 * 1024;

export interface TrivyDbOptions {
  /** Page cache of the bbolt reader (bytes; default DEFAULT_PAGE_CACHE_BYTES, 8 MiB). */
  pageCacheBytes?: number;
  /**
   * Decoded advisories to keep, as whole per-package lists, in (estimated) bytes of heap; default 16 MiB, about
   * 80,000 advisories (the distinct packages of a cluster's images need ~50,000); 0 disables. Repeated lookups of the
   * same package (many images share packages) then cost a map hit instead of a B+tree walk and JSON decoding.
   */
  advisoryCacheBytes?: number;
  /**
   * Decoded `vulnerability` values to keep, in (estimated) bytes of heap; default 16 MiB, about 10,000 vulnerabilities
   * (1,000 packages of an image typically match ~5,000); 0 disables. Only IDs asked for repeatedly are admitted, so a
   * single scan or a pass over the whole DB leaves it nearly empty.
   */
  vulnerabilityCacheBytes?: number;
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

/** What the caches of an open TrivyDb hold and how well they served. */
export interface TrivyDbCacheStats {
  pages: CacheStats;
  advisories: DecodedCacheStats;
  vulnerabilities: DecodedCacheStats;
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
  readonly #vulnerabilities: DecodedCache<Vulnerability | null>;
  /** Keyed by `<bucket>\n<package>`, language lookups by `<ecosystem>::\n<package>` (no bucket is named so). */
  readonly #advisoryLists: DecodedCache<readonly Advisory[]>;
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
    const root = bolt.root().cursor();
    for (let on = root.first(); on; on = root.next()) {
      const name = root.keyText();
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
    this.#vulnerabilities = new DecodedCache(
      options.vulnerabilityCacheBytes ?? DEFAULT_VULNERABILITY_CACHE_BYTES,
      decodedCost(1200),
      // Details are asked for once per matching advisory, so an ID asked for twice is common and says little.
      3,
    );
    this.#advisoryLists = new DecodedCache(
      options.advisoryCacheBytes ?? DEFAULT_ADVISORY_CACHE_BYTES,
      10 * decodedCost(60),
    );
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

  cacheStats(): TrivyDbCacheStats {
    return {
      pages: this.#bolt.cacheStats(),
      advisories: this.#advisoryLists.stats(),
      vulnerabilities: this.#vulnerabilities.stats(),
    };
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
    const key = `${bucket}\n${pkgName}`;
    let found = this.#advisoryLists.get(key);
    if (found === undefined) {
      const list: Advisory[] = [];
      const cost = this.#collect(bucket, pkgName, (advisory) => list.push(advisory));
      found = Object.freeze(list);
      this.#advisoryLists.offer(key, found, cost);
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
    const key = `${ecosystem}::\n${name}`;
    let found = this.#advisoryLists.get(key);
    if (found === undefined) {
      const merged = new Map<string, Advisory>();
      let cost = 0;
      for (const bucket of buckets) {
        cost += this.#collect(bucket, name, (advisory) => merged.set(advisory.VulnerabilityID, advisory));
      }
      found = Object.freeze([...merged.values()]);
      this.#advisoryLists.offer(key, found, cost);
    }
    return found;
  }

  /** Package names (nested bucket names) of one advisory bucket, in byte order. */
  *packageNames(bucket: string): IterableIterator<string> {
    const cursor = this.#bucket(bucket)?.cursor();
    if (!cursor) return;
    for (let on = cursor.first(); on; on = cursor.next()) if (cursor.isBucket()) yield cursor.keyText();
  }

  /** Details of one vulnerability ID (memoized, bounded); undefined when the DB has none. */
  vulnerability(id: string): Vulnerability | undefined {
    const cached = this.#vulnerabilities.get(id);
    if (cached !== undefined) return cached ?? undefined;
    let vulnerability: Vulnerability | null = null;
    const text = this.#bucket(VULNERABILITY_BUCKET)?.getText(id);
    if (text !== undefined && text.length > 0) {
      try {
        vulnerability = Object.freeze(decodeVulnerability(text));
      } catch (error) {
        this.#invalid(error, { bucket: VULNERABILITY_BUCKET, key: id });
      }
    }
    this.#vulnerabilities.offer(id, vulnerability, decodedCost(text?.length ?? 0));
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
        const cursor = nested.cursor();
        for (let on = cursor.first(); on; on = cursor.next()) if (!cursor.isBucket()) stats.advisories++;
      }
      const cursor = bucket.cursor();
      for (let on = cursor.first(); on; on = cursor.next()) if (!cursor.isBucket()) stats.entries++;
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

  /**
   * `Red Hat CPE/<kind>/<key>`: the CPE indices a content set (`repository`) or an image build `NVR-arch` (`nvr`)
   * stands for. Empty when the DB has none or the value is malformed (reported like other malformed values).
   */
  redHatCpeIndices(kind: 'repository' | 'nvr', key: string): readonly number[] {
    const bytes = this.#bucket('Red Hat CPE')?.bucket(kind)?.get(key);
    if (bytes === undefined || bytes.length === 0) return [];
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      value = undefined;
    }
    if (!Array.isArray(value) || !value.every((index) => Number.isInteger(index))) {
      this.#invalid(new InvalidValueProblem('not an array of CPE indices'), {
        bucket: 'Red Hat CPE',
        packageName: kind,
        key,
      });
      return [];
    }
    return value as number[];
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

  /** Decodes the advisories of one package bucket into `add`; returns their decodedCost. */
  #collect(bucketName: string, pkgName: string, add: (advisory: Advisory) => void): number {
    const pkg = this.#bucket(bucketName)?.bucket(pkgName);
    if (!pkg) return decodedCost(0);
    let cost = decodedCost(0);
    const dataSource = this.dataSource(bucketName);
    const cursor = pkg.cursor();
    for (let on = cursor.first(); on; on = cursor.next()) {
      const text = cursor.valueText();
      if (text.length === 0) continue;
      const id = cursor.keyText();
      let advisory: Advisory;
      try {
        advisory = decodeAdvisory(id, text);
      } catch (error) {
        this.#invalid(error, { bucket: bucketName, packageName: pkgName, key: id });
        continue;
      }
      if (dataSource) advisory.DataSource = dataSource;
      add(Object.freeze(advisory));
      cost += decodedCost(text.length);
    }
    return cost;
  }

  #loadDataSources(): Map<string, DataSource> {
    if (this.#dataSources) return this.#dataSources;
    const sources = new Map<string, DataSource>();
    const bucket = this.#bucket(DATA_SOURCE_BUCKET);
    if (bucket) {
      const cursor = bucket.cursor();
      for (let on = cursor.first(); on; on = cursor.next()) {
        const text = cursor.valueText();
        if (text.length === 0) continue;
        const name = cursor.keyText();
        try {
          sources.set(name, Object.freeze(decodeDataSource(text)));
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
