import { readFile } from 'node:fs/promises';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { UserFacingError } from '../../util/errors.ts';
import { lazyRequire } from '../../util/lazy-require.ts';
import { silentLogger, type Logger } from '../../util/logger.ts';
import { builtinAllowRules } from './builtin-allow-rules.ts';
import { builtinRules } from './builtin-rules.ts';
import { defaultSkipPatterns } from './files.ts';
import { GoPattern } from './pattern.ts';
import { defaultSecretScannerConfig, type SecretScannerConfig } from './scanner.ts';
import type { AllowRule, ExcludeBlock, SecretRule } from './types.ts';

/** Loaded when a config file exists: most scans use the built-in rules. */
const yaml = lazyRequire<typeof Yaml>('yaml');

/** A `trivy-secret.yaml` that cannot be used; the message names the file and the offending entry. */
export class SecretConfigError extends UserFacingError {}

/** YAML `key:` with nothing after it is null; Trivy treats it as absent. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

const allowRuleSchema = z.object({
  id: z.string().min(1),
  description: text,
  regex: text,
  path: text,
});

const excludeBlockSchema = z
  .object({ description: text, regexes: list(z.string()) })
  .nullish()
  .transform((v) => v ?? undefined);

const ruleSchema = z.object({
  id: z.string().min(1),
  category: text,
  title: text,
  severity: text,
  regex: z.string().min(1),
  keywords: list(z.string()),
  path: text,
  'allow-rules': list(allowRuleSchema),
  'exclude-block': excludeBlockSchema,
  'secret-group-name': text,
});

const configSchema = z
  .object({
    rules: list(ruleSchema),
    'allow-rules': list(allowRuleSchema),
    'enable-builtin-rules': list(z.string()),
    'disable-rules': list(z.string()),
    'disable-allow-rules': list(z.string()),
    'exclude-block': excludeBlockSchema,
    'skip-patterns': list(z.string()),
  })
  .nullish()
  .transform((v) => v ?? undefined);

type ParsedConfig = NonNullable<z.output<typeof configSchema>>;

const knownKeys = new Set([
  'rules',
  'allow-rules',
  'enable-builtin-rules',
  'disable-rules',
  'disable-allow-rules',
  'exclude-block',
  'skip-patterns',
]);

const severities = new Set(['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

/**
 * Parses the text of a `trivy-secret.yaml` into the effective rule set: custom rules are added to the enabled
 * built-ins (all, or only `enable-builtin-rules`), then `disable-rules` and `disable-allow-rules` remove by ID.
 * Regexes are Go RE2 syntax, compiled by an RE2 port so they mean what they mean in Trivy.
 */
export function parseSecretConfig(
  source: string,
  configPath = 'trivy-secret.yaml',
  logger: Logger = silentLogger,
): SecretScannerConfig {
  let raw: unknown;
  try {
    raw = yaml().parse(source);
  } catch (error) {
    const where = error instanceof yaml().YAMLParseError ? ` (line ${error.linePos?.[0].line ?? '?'})` : '';
    throw new SecretConfigError(`${configPath}: not valid YAML${where}`, {
      hint: 'fix the YAML syntax of the secret config, or pass another file with --secret-config',
      cause: error,
    });
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new SecretConfigError(`${configPath}: ${at}: ${issue.message}`, {
      hint: 'see the secret config keys: rules, allow-rules, enable-builtin-rules, disable-rules, disable-allow-rules, exclude-block',
    });
  }
  if (raw !== null && typeof raw === 'object') {
    for (const key of Object.keys(raw)) {
      if (!knownKeys.has(key)) logger.warn({ configPath, key }, 'unknown key in secret config ignored');
    }
  }
  const config: ParsedConfig = result.data ?? {
    rules: [],
    'allow-rules': [],
    'enable-builtin-rules': [],
    'disable-rules': [],
    'disable-allow-rules': [],
    'exclude-block': undefined,
    'skip-patterns': [],
  };

  const compile = (pattern: string, where: string) => {
    try {
      return new GoPattern(pattern);
    } catch (error) {
      throw new SecretConfigError(
        `${configPath}: ${where}: invalid regular expression ${JSON.stringify(pattern)}: ${error instanceof Error ? error.message : String(error)}`,
        { hint: 'regexes use Go RE2 syntax (no lookarounds or backreferences)', cause: error },
      );
    }
  };
  const toAllowRule = (a: z.output<typeof allowRuleSchema>, where: string): AllowRule => {
    const rule: AllowRule = { id: a.id };
    if (a.description !== undefined) rule.description = a.description;
    if (a.regex !== undefined) rule.regex = compile(a.regex, `${where} ${a.id}: regex`);
    if (a.path !== undefined) rule.path = compile(a.path, `${where} ${a.id}: path`);
    if (a.regex === undefined && a.path === undefined) {
      logger.warn(
        { configPath, allowRule: a.id },
        'allow rule has neither regex nor path and allows nothing',
      );
    }
    return rule;
  };
  const toExcludeBlock = (
    b: NonNullable<z.output<typeof excludeBlockSchema>>,
    where: string,
  ): ExcludeBlock => {
    const block: ExcludeBlock = {
      regexes: b.regexes.map((r, i) => compile(r, `${where} exclude-block.regexes[${i}]`)),
    };
    if (b.description !== undefined) block.description = b.description;
    return block;
  };

  const customRules = config.rules.map((r): SecretRule => {
    const where = `rule ${r.id}`;
    const regex = compile(r.regex, `${where}: regex`);
    const rule: SecretRule = {
      id: r.id,
      category: r.category ?? '',
      title: r.title ?? '',
      severity: normalizeSeverity(r.severity, r.id, configPath, logger),
      regex,
      keywords: r.keywords,
      allowRules: r['allow-rules'].map((a) => toAllowRule(a, `${where}: allow rule`)),
    };
    if (r.path !== undefined) rule.path = compile(r.path, `${where}: path`);
    const block = r['exclude-block'];
    if (block !== undefined) rule.excludeBlock = toExcludeBlock(block, `${where}:`);
    const group = r['secret-group-name'];
    if (group !== undefined && group !== '') {
      if (!regex.groupNames().includes(group)) {
        throw new SecretConfigError(
          `${configPath}: ${where}: secret-group-name ${JSON.stringify(group)} is not a named group of its regex`,
          { hint: 'name the group in the regex with (?P<name>...)' },
        );
      }
      rule.secretGroupName = group;
    }
    return rule;
  });

  const enabledIds = config['enable-builtin-rules'];
  const disabledIds = new Set(config['disable-rules']);
  const enabled =
    enabledIds.length > 0 ? builtinRules.filter((r) => enabledIds.includes(r.id)) : builtinRules;
  const rules = [...enabled, ...customRules].filter((r) => !disabledIds.has(r.id));

  const disabledAllowIds = new Set(config['disable-allow-rules']);
  const customAllow = config['allow-rules'].map((a) => toAllowRule(a, 'allow rule'));
  const allowRules = [...builtinAllowRules, ...customAllow].filter((a) => !disabledAllowIds.has(a.id));

  const scannerConfig: SecretScannerConfig = {
    rules,
    allowRules,
    skipPatterns: [...defaultSkipPatterns, ...config['skip-patterns']],
    configPath,
  };
  const block = config['exclude-block'];
  if (block !== undefined) scannerConfig.excludeBlock = toExcludeBlock(block, '');
  return scannerConfig;
}

/**
 * Reads `trivy-secret.yaml` (or the `--secret-config` path). A missing file means built-in rules only, as in
 * Trivy, so the default path can always be passed.
 */
export async function loadSecretConfig(
  path: string,
  logger: Logger = silentLogger,
): Promise<SecretScannerConfig> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      logger.debug({ configPath: path }, 'no secret config; using built-in rules');
      return defaultSecretScannerConfig();
    }
    throw new SecretConfigError(`cannot read secret config ${path}: ${(error as Error).message}`, {
      hint: 'check the --secret-config path and its permissions',
      cause: error,
    });
  }
  logger.info({ configPath: path }, 'loading secret config');
  return parseSecretConfig(source, path, logger);
}

function normalizeSeverity(
  severity: string | undefined,
  ruleId: string,
  configPath: string,
  logger: Logger,
): string {
  const upper = (severity ?? '').toUpperCase();
  if (severities.has(upper)) return upper;
  if (severity !== undefined && severity !== '') {
    logger.warn({ configPath, rule: ruleId, severity }, 'incorrect severity in secret config; using UNKNOWN');
  }
  return 'UNKNOWN';
}
