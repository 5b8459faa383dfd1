/**
 * `--format sarif`: the report as a SARIF 2.1.0 log, shaped as Trivy writes it (same tool driver, rule names, levels,
 * messages and `security-severity`), so GitHub code scanning and other SARIF consumers treat our uploads exactly as
 * they treat Trivy's.
 */
import { parseReference } from '../registry/reference.ts';
import type { SecretFinding } from '../secrets/types.ts';
import type { DetectedVulnerability, Report, Result } from './model.ts';

export const sarifSchemaUri =
  'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json';

interface Message {
  text: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  defaultConfiguration: { level: SarifLevel };
  helpUri?: string;
  help: { text: string; markdown: string };
  properties: Record<string, unknown>;
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: Message;
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: 'ROOTPATH' };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
    message: Message;
  }[];
}

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifLog {
  version: '2.1.0';
  $schema: string;
  runs: {
    tool: {
      driver: { fullName: string; informationUri: string; name: string; rules: SarifRule[]; version: string };
    };
    results: SarifResult[];
    columnKind: 'utf16CodeUnits';
    originalUriBaseIds: { ROOTPATH: { uri: string } };
    properties?: Record<string, unknown>;
  }[];
}

/** Rule names by result class, as Trivy names them. */
const ruleNames: Readonly<Record<string, string>> = {
  'os-pkgs': 'OsPackageVulnerability',
  'lang-pkgs': 'LanguageSpecificPackageVulnerability',
  config: 'Misconfiguration',
  secret: 'Secret',
  license: 'License',
  'license-file': 'License',
};

/** Scores standing in for a CVSS score when the severity source has none. */
const severityScores: Readonly<Record<string, string>> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '2.0',
};

export function sarifLevel(severity: string): SarifLevel {
  switch (severity) {
    case 'CRITICAL':
    case 'HIGH':
      return 'error';
    case 'MEDIUM':
      return 'warning';
    case 'LOW':
    case 'UNKNOWN':
      return 'note';
    default:
      return 'none';
  }
}

/** GitHub's `security-severity`: the severity source's CVSS v3 score, else a score standing for the severity. */
export function securitySeverity(vulnerability: DetectedVulnerability): string {
  const score = vulnerability.SeveritySource
    ? vulnerability.CVSS?.[vulnerability.SeveritySource]?.V3Score
    : undefined;
  if (score) return score.toFixed(1);
  return severityScores[vulnerability.Severity] ?? '0.0';
}

/**
 * Where a result points. OS findings have no file, so they point at the image's repository path (`library/alpine`);
 * file paths are made relative so they resolve against ROOTPATH (`file:///`).
 */
export function locationUri(target: string, resultClass: Result['Class']): string {
  if (resultClass !== 'os-pkgs') return encodeUriPath(target.replace(/^\/+/, ''));
  const image = /^(.+?)\s*\(.*\)$/.exec(target)?.[1] ?? target;
  try {
    return encodeUriPath(parseReference(image).repository);
  } catch {
    return encodeUriPath(image);
  }
}

/** Percent-encodes what a URI reference cannot hold (spaces, `%`, non-ASCII) and keeps path separators readable. */
function encodeUriPath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%3A/gi, ':').replace(/%40/g, '@'))
    .join('/');
}

class RuleSet {
  readonly rules: SarifRule[] = [];
  readonly #indexes = new Map<string, number>();

  /** The index of the rule with this ID, adding it from the first finding that names it. */
  indexOf(id: string, make: () => SarifRule): number {
    let index = this.#indexes.get(id);
    if (index === undefined) {
      index = this.rules.length;
      this.rules.push(make());
      this.#indexes.set(id, index);
    }
    return index;
  }
}

function vulnerabilityRule(vulnerability: DetectedVulnerability, result: Result): SarifRule {
  const id = vulnerability.VulnerabilityID;
  const link = `[${id}](${vulnerability.PrimaryURL ?? ''})`;
  const title = vulnerability.Title || id;
  const description = vulnerability.Description || title;
  const cvss = vulnerability.CVSS?.[vulnerability.SeveritySource ?? ''] ?? vulnerability.CVSS?.nvd ?? {};
  const properties: Record<string, unknown> = {
    tags: ['vulnerability', 'security', vulnerability.Severity],
    precision: 'very-high',
    'security-severity': securitySeverity(vulnerability),
  };
  if (cvss.V2Vector) properties.cvssv2_vector = cvss.V2Vector;
  if (cvss.V2Score) properties.cvssv2_score = cvss.V2Score;
  if (cvss.V3Vector) properties.cvssv3_vector = cvss.V3Vector;
  if (cvss.V3Score) properties.cvssv3_baseScore = cvss.V3Score;
  if (cvss.V40Vector) properties.cvssv40_vector = cvss.V40Vector;
  if (cvss.V40Score) properties.cvssv40_baseScore = cvss.V40Score;
  return {
    id,
    name: ruleNames[result.Class] ?? 'OtherVulnerability',
    shortDescription: { text: title },
    fullDescription: { text: description },
    defaultConfiguration: { level: sarifLevel(vulnerability.Severity) },
    ...(vulnerability.PrimaryURL && URL.canParse(vulnerability.PrimaryURL)
      ? { helpUri: vulnerability.PrimaryURL }
      : {}),
    help: {
      text:
        `Vulnerability ${id}\nSeverity: ${vulnerability.Severity}\nPackage: ${vulnerability.PkgName}\n` +
        `Fixed Version: ${vulnerability.FixedVersion ?? ''}\nLink: ${link}\n${description}`,
      markdown:
        `**Vulnerability ${id}**\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n` +
        `|${vulnerability.Severity}|${vulnerability.PkgName}|${vulnerability.FixedVersion ?? ''}|${link}|\n\n` +
        description,
    },
    properties,
  };
}

function secretRule(secret: SecretFinding): SarifRule {
  const severity = secret.Severity || 'UNKNOWN';
  return {
    id: secret.RuleID,
    name: 'Secret',
    shortDescription: { text: secret.Title },
    fullDescription: { text: secret.Title },
    defaultConfiguration: { level: sarifLevel(severity) },
    help: {
      text: `Secret ${secret.Title}\nSeverity: ${severity}\nMatch: ${secret.Match}`,
      markdown: `**Secret ${secret.Title}**\n| Severity | Match |\n| --- | --- |\n|${severity}|${secret.Match}|`,
    },
    properties: {
      tags: ['secret', 'security', severity],
      precision: 'very-high',
      'security-severity': severityScores[severity] ?? '0.0',
    },
  };
}

function location(
  uri: string,
  startLine: number,
  endLine: number,
  text: string,
): SarifResult['locations'][number] {
  const start = Math.max(1, startLine);
  return {
    physicalLocation: {
      artifactLocation: { uri, uriBaseId: 'ROOTPATH' },
      region: { startLine: start, startColumn: 1, endLine: Math.max(start, endLine), endColumn: 1 },
    },
    message: { text },
  };
}

/** Serialises a report as a SARIF 2.1.0 log (two-space indent, trailing newline). */
export function formatSarif(report: Report): string {
  const rules = new RuleSet();
  const results: SarifResult[] = [];
  for (const result of report.Results ?? []) {
    for (const vulnerability of result.Vulnerabilities ?? []) {
      const id = vulnerability.VulnerabilityID;
      const ruleIndex = rules.indexOf(id, () => vulnerabilityRule(vulnerability, result));
      const path = vulnerability.PkgPath ?? result.Target;
      const uri = locationUri(path, vulnerability.PkgPath ? 'lang-pkgs' : result.Class);
      results.push({
        ruleId: id,
        ruleIndex,
        level: sarifLevel(vulnerability.Severity),
        message: {
          text:
            `Package: ${vulnerability.PkgName}\nInstalled Version: ${vulnerability.InstalledVersion}\n` +
            `Vulnerability ${id}\nSeverity: ${vulnerability.Severity}\n` +
            `Fixed Version: ${vulnerability.FixedVersion ?? ''}\nLink: [${id}](${vulnerability.PrimaryURL ?? ''})`,
        },
        locations: [
          location(uri, 1, 1, `${uri}: ${vulnerability.PkgName}@${vulnerability.InstalledVersion}`),
        ],
      });
    }
    for (const secret of result.Secrets ?? []) {
      const ruleIndex = rules.indexOf(secret.RuleID, () => secretRule(secret));
      const uri = locationUri(result.Target, result.Class);
      results.push({
        ruleId: secret.RuleID,
        ruleIndex,
        level: sarifLevel(secret.Severity || 'UNKNOWN'),
        message: {
          text:
            `Artifact: ${result.Target}\nType: ${result.Type ?? ''}\nSecret ${secret.Title}\n` +
            `Severity: ${secret.Severity || 'UNKNOWN'}\nMatch: ${secret.Match}`,
        },
        locations: [location(uri, secret.StartLine, secret.EndLine, result.Target)],
      });
    }
  }

  const metadata = report.Metadata;
  const properties =
    report.ArtifactType === 'container_image'
      ? {
          imageName: report.ArtifactName,
          repoTags: metadata.RepoTags ?? [],
          repoDigests: metadata.RepoDigests ?? [],
          ...(metadata.ImageID ? { imageID: metadata.ImageID } : {}),
        }
      : undefined;
  const log: SarifLog = {
    version: '2.1.0',
    $schema: sarifSchemaUri,
    runs: [
      {
        tool: {
          driver: {
            fullName: 'Trivy Vulnerability Scanner',
            informationUri: 'https://github.com/aquasecurity/trivy',
            name: 'Trivy',
            rules: rules.rules,
            version: report.Trivy?.Version ?? 'dev',
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } },
        ...(properties ? { properties } : {}),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
