import type { Application, BuildInfo, OperatingSystem, PackageInfo, Repository } from '../inventory.ts';

/**
 * One analyzer per ecosystem (see docs/architecture.md). The layer walker knows nothing about ecosystems:
 * it asks every analyzer whether it wants a file (`required`), buffers the file once and hands it to each
 * analyzer that said yes. Analyzers know nothing about layers, registries or tar.
 */
export interface FileInfo {
  /** Clean relative path inside the artifact, no leading slash: `etc/os-release`. */
  path: string;
  size: number;
  /** Unix permission bits (e.g. 0o755); executable-based analyzers (Go, Rust binaries) use them. */
  mode: number;
}

export interface AnalysisInput extends FileInfo {
  content: Buffer;
  /**
   * Reads another file of the same artifact, by a path relative to this one's directory (`../pom.xml`): Maven's
   * parent and module POMs live in other files. Resolves to undefined when there is no such regular file inside the
   * artifact. Only directory scans provide it: a layer holds part of a filesystem, so its analyzers see one file.
   */
  readRelatedFile?: (relativePath: string) => Promise<Buffer | undefined>;
}

/**
 * Files one OS package installed, when the package manager keeps them apart from its package DB (dpkg's
 * `var/lib/dpkg/info/<name>[:<arch>].md5sums`). The layer step joins them to that layer's packages by name
 * (see `attachPackageFiles` in `analyzers/pkg/dpkg/`); every path also counts as an OS-owned file.
 */
export interface PackageFiles {
  packageName: string;
  arch?: string;
  /** Absolute paths, as Trivy reports dpkg-installed files: `/usr/bin/dpkg`. */
  files: string[];
}

/** What one file contributed. Every field optional: most files give one kind of finding. */
export interface AnalysisResult {
  os?: OperatingSystem;
  repository?: Repository;
  packageInfos?: PackageInfo[];
  applications?: Application[];
  packageFiles?: PackageFiles[];
  buildInfo?: BuildInfo;
  /** What the analyzer could not read in an otherwise good file (an unresolved version): logged with the path. */
  warnings?: string[];
}

export interface Analyzer {
  /** Stable name used in cache keys and `--debug` logs, e.g. `dpkg`, `node-pkg`. */
  readonly type: string;
  /** Bump when the output for the same input changes, to invalidate cached layer results. */
  readonly version: number;
  /** Cheap: called for every regular file in every layer. */
  required(file: FileInfo): boolean;
  /** Returns undefined when the file holds nothing for this analyzer. Throws AnalyzerError on malformed input. */
  analyze(input: AnalysisInput): AnalysisResult | undefined | Promise<AnalysisResult | undefined>;
}

/** Malformed input for one file: the walker logs it with the path and goes on with the rest of the image. */
export class AnalyzerError extends Error {
  readonly analyzer: string;
  readonly path: string;
  constructor(analyzer: string, path: string, message: string, options?: { cause?: unknown }) {
    super(`${analyzer}: ${path}: ${message}`, options);
    this.name = 'AnalyzerError';
    this.analyzer = analyzer;
    this.path = path;
  }
}
