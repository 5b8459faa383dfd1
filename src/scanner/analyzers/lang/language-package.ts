import type { Application, ApplicationType, Package } from '../../inventory.ts';
import { languagePackageUrl } from './package-url.ts';

export interface LanguagePackageFields {
  name: string;
  version: string;
  licenses?: string[];
  /** Set for types where each package has its own manifest (package.json, METADATA, gemspec, jar). */
  filePath?: string;
  dependsOn?: string[];
  dev?: boolean;
}

/** A language package in Trivy's shape: ID `name@version`, PURL, licenses without blanks. */
export function languagePackage(type: ApplicationType, fields: LanguagePackageFields): Package {
  const licenses = (fields.licenses ?? [])
    .map((license) => license.trim())
    .filter((license) => license !== '');
  const purl = languagePackageUrl(type, fields.name, fields.version);
  const pkg: Package = {
    ID: `${fields.name}@${fields.version}`,
    Name: fields.name,
    Version: fields.version,
  };
  if (licenses.length > 0) pkg.Licenses = licenses;
  if (purl) pkg.Identifier = { PURL: purl };
  if (fields.filePath) pkg.FilePath = fields.filePath;
  if (fields.dependsOn && fields.dependsOn.length > 0) pkg.DependsOn = fields.dependsOn;
  if (fields.dev) pkg.Dev = true;
  return pkg;
}

export function singleApplication(type: ApplicationType, filePath: string, packages: Package[]) {
  const application: Application = { Type: type, FilePath: filePath, Packages: packages };
  return packages.length > 0 ? { applications: [application] } : undefined;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Parses JSON, turning a syntax error into a message that names what was being read. */
export function parseJson(content: Buffer): unknown {
  // A UTF-8 BOM is common in files written on Windows (.NET deps.json) and is not valid JSON.
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  return JSON.parse(text) as unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
