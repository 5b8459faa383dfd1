/**
 * A misconfiguration check is data plus a pure function (see docs/architecture.md): metadata that reports and
 * generated docs read, and `evaluate`, which looks at one Kubernetes object and never does I/O.
 */

export type CheckSeverity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** Check severities, lowest first. */
export const checkSeverities: readonly CheckSeverity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** A Kubernetes object as parsed from YAML/JSON or read from the API (or its last-applied configuration). */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Facts about the cluster some checks need (`data.k8s` in Trivy's Rego). */
export interface CheckContext {
  /** API server version, e.g. `1.29.3` or `1.27.1-gke.1000`; undefined when unknown. */
  clusterVersion?: string;
}

/** One failure: the message Trivy would print for it. */
export interface CheckFinding {
  message: string;
}

export interface Check {
  /** Current ID, e.g. `KSV-0001`. */
  id: string;
  /**
   * `aliases[0]` is the AVD ID (`AVD-KSV-0001`), then the legacy ID (`KSV001`) when there is one; operator reports
   * show the legacy ID as `checkID`, else the AVD ID.
   */
  aliases: readonly string[];
  title: string;
  description: string;
  severity: CheckSeverity;
  /** Trivy's `recommended_action`, the report's `remediation`. */
  remediation: string;
  references?: readonly string[];
  /** Kinds the check applies to (matched case-insensitively against `kind`); `'*'` = every Kubernetes object. */
  kinds: readonly string[] | '*';
  /** Deprecated checks run only when explicitly included. */
  deprecated?: boolean;
  evaluate(object: KubernetesObject, context: CheckContext): CheckFinding[];
}
