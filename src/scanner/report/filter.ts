import { readFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { UserFacingError } from '../../util/errors.ts';
import { lazyRequire } from '../../util/lazy-require.ts';
import type { DetectedVulnerability, Result, Severity, VulnerabilityStatus } from './model.ts';
import { severities, vulnerabilityStatuses } from './model.ts';

/** One suppression from `.trivyignore` / `.trivyignore.yaml`. */
export interface IgnoreRule {
  id: string;
  /** Doublestar globs matched against the result target or the finding's package path. */
  paths?: string[];
  purls?: string[];
  /** Epoch ms; an expired rule suppresses nothing. */
  expiresAt?: number;
  statement?: string;
}

export interface IgnoreRules {
  vulnerabilities: IgnoreRule[];
  secrets: IgnoreRule[];
}

export interface FilterOptions {
  severities: readonly Severity[];
  /** Findings with these statuses are dropped (`--ignore-unfixed` ⇒ every status but `fixed`). */
  ignoreStatuses: readonly VulnerabilityStatus[];
  ignore?: IgnoreRules;
  now?: number;
}

export class IgnoreFileError extends UserFacingError {}

/** Every status except `fixed`: what `--ignore-unfixed` means. */
export const unfixedStatuses: readonly VulnerabilityStatus[] = vulnerabilityStatuses.filter(
  (status) => status !== 'fixed',
);

/** Parses `--severity CRITICAL,HIGH` (case-insensitive), refusing unknown names. */
export function parseSeverities(text: string): Severity[] {
  const wanted = text
    .split(',')
    .map((part) => part.trim().toUpperCase())
    .filter((part) => part !== '');
  for (const name of wanted) {
    if (!severities.includes(name as Severity)) {
      throw new UserFacingError(`unknown severity ${JSON.stringify(name)}`, {
        hint: `use a comma-separated list of ${severities.join(', ')}`,
      });
    }
  }
  return severities.filter((severity) => wanted.includes(severity));
}

/**
 * Reads an ignore file: the YAML form when the name ends in .yaml/.yml, else one ID per line with `#` comments and an
 * optional `exp:YYYY-MM-DD`. A missing file yields no rules only when `optional` (the default `.trivyignore`).
 */
export async function loadIgnoreFile(path: string, optional = false): Promise<IgnoreRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return { vulnerabilities: [], secrets: [] };
    throw new IgnoreFileError(`cannot read ignore file ${path}: ${(error as Error).message}`);
  }
  return /\.ya?ml$/i.test(path) ? parseYamlIgnore(text, path) : parsePlainIgnore(text, path);
}

export function parsePlainIgnore(text: string, where = '.trivyignore'): IgnoreRules {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [id, ...fields] = line.split(/\s+/);
    const rule: IgnoreRule = { id: id ?? '' };
    for (const field of fields) {
      const expiry = /^exp:(\d{4}-\d{2}-\d{2})$/.exec(field);
      if (!expiry?.[1])
        throw new IgnoreFileError(`${where}:${index + 1}: unknown field ${JSON.stringify(field)}`, {
          hint: 'a line is an ID, optionally followed by exp:YYYY-MM-DD',
        });
      rule.expiresAt = Date.parse(`${expiry[1]}T00:00:00Z`);
    }
    rules.push(rule);
  });
  // IDs apply to every kind of finding in the plain form.
  return { vulnerabilities: rules, secrets: rules };
}

/** Loaded for the YAML form only: the plain `.trivyignore` is the common case. */
const yaml = lazyRequire<typeof Yaml>('yaml');

const yamlRule = z.object({
  id: z.string().min(1),
  paths: z.array(z.string()).optional(),
  purls: z.array(z.string()).optional(),
  expired_at: z.union([z.string(), z.date()]).optional(),
  statement: z.string().optional(),
});
const yamlIgnore = z.object({
  vulnerabilities: z.array(yamlRule).nullish(),
  misconfigurations: z.array(yamlRule).nullish(),
  secrets: z.array(yamlRule).nullish(),
  licenses: z.array(yamlRule).nullish(),
});

export function parseYamlIgnore(text: string, where = '.trivyignore.yaml'): IgnoreRules {
  let document: unknown;
  try {
    document = yaml().parse(text) ?? {};
  } catch (error) {
    throw new IgnoreFileError(`${where} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = yamlIgnore.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IgnoreFileError(`${where}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
      hint: 'keys are vulnerabilities, misconfigurations, secrets, licenses; each item has id, paths, purls, expired_at, statement',
    });
  }
  const convert = (items: z.infer<typeof yamlRule>[] | null | undefined): IgnoreRule[] =>
    (items ?? []).map((item) => ({
      id: item.id,
      ...(item.paths ? { paths: item.paths } : {}),
      ...(item.purls ? { purls: item.purls } : {}),
      ...(item.expired_at !== undefined ? { expiresAt: new Date(item.expired_at).getTime() } : {}),
      ...(item.statement ? { statement: item.statement } : {}),
    }));
  return { vulnerabilities: convert(parsed.data.vulnerabilities), secrets: convert(parsed.data.secrets) };
}

/** Applies `--severity`, `--ignore-unfixed`/status and ignore rules to every result; nothing else is changed. */
export function applyFilters(results: readonly Result[], options: FilterOptions): Result[] {
  const now = options.now ?? Date.now();
  const live = (rules: IgnoreRule[] | undefined) =>
    (rules ?? []).filter((rule) => rule.expiresAt === undefined || rule.expiresAt > now);
  const vulnerabilityRules = live(options.ignore?.vulnerabilities);
  const secretRules = live(options.ignore?.secrets);

  return results.map((result) => {
    const filtered: Result = { ...result };
    if (result.Vulnerabilities) {
      filtered.Vulnerabilities = result.Vulnerabilities.filter(
        (finding) =>
          options.severities.includes(finding.Severity) &&
          !(finding.Status && options.ignoreStatuses.includes(finding.Status)) &&
          !vulnerabilityRules.some((rule) =>
            suppresses(rule, finding.VulnerabilityID, result.Target, finding),
          ),
      );
    }
    if (result.Secrets) {
      filtered.Secrets = result.Secrets.filter(
        (finding) =>
          options.severities.includes((finding.Severity || 'UNKNOWN') as Severity) &&
          !secretRules.some((rule) => suppresses(rule, finding.RuleID, result.Target)),
      );
    }
    return filtered;
  });
}

function suppresses(rule: IgnoreRule, id: string, target: string, finding?: DetectedVulnerability): boolean {
  if (rule.id !== id) return false;
  if (rule.paths?.length) {
    const matches = picomatch(rule.paths, { dot: true });
    const candidates = [target, target.replace(/^\//, ''), finding?.PkgPath].filter(
      (path): path is string => !!path,
    );
    if (!candidates.some((path) => matches(path))) return false;
  }
  if (rule.purls?.length) {
    const purl = finding?.PkgIdentifier?.PURL;
    if (!purl || !rule.purls.includes(purl)) return false;
  }
  return true;
}
