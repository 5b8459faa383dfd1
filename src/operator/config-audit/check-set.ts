/**
 * The checks the config audit runs and the settings that shape their results, with the `plugin-config-hash` of
 * each kind: it changes exactly when what a report of that kind would contain can change (a check added, removed
 * or edited for that kind, the severity filter, `report.recordFailedChecksOnly`, the cluster version some checks
 * read). A custom check for Services changes only the Service hash, so only Service reports are re-evaluated.
 */
import type { CustomCheck } from '../../checks/custom/index.ts';
import { allChecks } from '../../checks/registry.ts';
import type { Check, CheckContext } from '../../checks/types.ts';
import { shortHash } from '../kube/hash.ts';

/** A custom check with a digest of the ConfigMap keys that define it (its message template is not on the check). */
export interface CustomCheckEntry {
  check: CustomCheck;
  definitionHash: string;
}

export interface CheckSetOptions {
  custom: readonly CustomCheckEntry[];
  /** Severities kept in reports (`trivy.severity`); checks of other severities are left out. */
  severities: readonly string[];
  recordFailedChecksOnly: boolean;
  context: CheckContext;
  /** The operator's version: a new release may change built-in checks. */
  engineVersion: string;
}

export interface KindChecks {
  builtIn: readonly Check[];
  custom: readonly CustomCheck[];
  /** `plugin-config-hash` for reports of this kind. */
  hash: string;
}

/**
 * Built-in checks that can land in a config audit or RBAC report. Deprecated checks stay off (as upstream's
 * default); infrastructure (KCV) results only ever go to InfraAssessmentReports, which the config audit does not
 * write.
 */
export const configAuditBuiltInChecks: readonly Check[] = allChecks.filter(
  (check) => check.deprecated !== true && !check.id.startsWith('KCV'),
);

function appliesTo(check: Check, kind: string): boolean {
  if (check.kinds === '*') return true;
  const lower = kind.toLowerCase();
  return check.kinds.some((candidate) => candidate.toLowerCase() === lower);
}

/**
 * The ID a report shows (contract §1.7): the check's legacy short ID (`KSV001`) when it has one, else its AVD ID
 * (`AVD-KSV-0108`); a custom check's own ID.
 */
export function reportCheckId(check: Check): string {
  return (
    check.aliases.find((alias, index) => index > 0 && !alias.startsWith('AVD-')) ??
    check.aliases[0] ??
    check.id
  );
}

export class CheckSet {
  readonly options: CheckSetOptions;
  readonly severities: ReadonlySet<string>;
  readonly #byKind = new Map<string, KindChecks>();

  constructor(options: CheckSetOptions) {
    this.options = options;
    this.severities = new Set(options.severities);
  }

  get customChecks(): readonly CustomCheck[] {
    return this.options.custom.map((entry) => entry.check);
  }

  forKind(kind: string): KindChecks {
    let entry = this.#byKind.get(kind);
    if (entry === undefined) {
      const builtIn = configAuditBuiltInChecks.filter((check) => appliesTo(check, kind));
      const custom = this.options.custom.filter((item) => appliesTo(item.check, kind));
      const hash = shortHash({
        engine: this.options.engineVersion,
        builtIn: builtIn.map((check) => check.id),
        custom: custom.map((item) => item.definitionHash).sort(),
        severities: [...this.severities].sort(),
        failedOnly: this.options.recordFailedChecksOnly,
        clusterVersion: this.options.context.clusterVersion ?? null,
      });
      entry = { builtIn, custom: custom.map((item) => item.check), hash };
      this.#byKind.set(kind, entry);
    }
    return entry;
  }

  /** The kinds among `kinds` whose reports differ between this check set and `other`. */
  changedKinds(other: CheckSet | undefined, kinds: Iterable<string>): string[] {
    return [...kinds].filter(
      (kind) => other === undefined || other.forKind(kind).hash !== this.forKind(kind).hash,
    );
  }
}
