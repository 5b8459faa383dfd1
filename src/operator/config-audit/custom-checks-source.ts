/**
 * Custom checks from the `trivy-operator-policies-config` ConfigMap in the operator namespace, kept current: the
 * ConfigMap is watched (metadata only, like every ConfigMap the operator watches) and read in full when its
 * resourceVersion changes. A broken custom check is logged and recorded as a Warning Event on the ConfigMap, and
 * left out; every other check, built-in or custom, keeps running.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import {
  loadCustomChecks,
  policiesConfigMapName,
  type CustomCheckDefinitionError,
  type CustomCheckEvaluationError,
} from '../../checks/custom/index.ts';
import { allChecks } from '../../checks/registry.ts';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { KubeClient } from '../kube/client.ts';
import { shortHash } from '../kube/hash.ts';
import { Informer } from '../kube/informer.ts';
import { builtin } from '../kube/resource-types.ts';
import type { EventRecorder } from '../runtime/events.ts';
import type { CustomCheckEntry } from './check-set.ts';

export const INVALID_CUSTOM_CHECK_REASON = 'InvalidCustomCheck';
export const CUSTOM_CHECK_FAILED_REASON = 'CustomCheckFailed';

const reservedIds = allChecks.flatMap((check) => [check.id, ...check.aliases]);

/** Only what tells that the ConfigMap changed: its data is read when it does, never kept in the cache. */
export function configMapMetadataOnly(configMap: V1ConfigMap): V1ConfigMap {
  const { name, namespace, uid, resourceVersion, labels, annotations, ownerReferences, deletionTimestamp } =
    configMap.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      uid,
      resourceVersion,
      labels,
      annotations,
      ownerReferences,
      deletionTimestamp,
    },
  };
}

/** Digest of the `policy.<name>.*` keys of one custom check (its message template is not kept on the check). */
function definitionHash(policyName: string, data: Readonly<Record<string, string>>): string {
  const prefix = `policy.${policyName}.`;
  return shortHash(Object.entries(data).filter(([key]) => key.startsWith(prefix)));
}

/** The usable custom checks of the ConfigMap's data, each with the digest of its definition, and the problems. */
export function customCheckEntries(data: Readonly<Record<string, string>>): {
  entries: CustomCheckEntry[];
  problems: CustomCheckDefinitionError[];
} {
  const { checks, problems } = loadCustomChecks(data, { reservedIds });
  return {
    entries: checks.map((check) => ({ check, definitionHash: definitionHash(check.policyName, data) })),
    problems,
  };
}

export interface CustomChecksSourceOptions {
  client: KubeClient;
  namespace: string;
  events: EventRecorder;
  logger: Logger;
  /** Called after the set of usable custom checks was replaced (not called by `start`). */
  onChange: (entries: readonly CustomCheckEntry[]) => void;
}

export class CustomChecksSource {
  readonly #options: CustomChecksSourceOptions;
  readonly #informer: Informer<V1ConfigMap>;
  #entries: readonly CustomCheckEntry[] = [];
  #loadedVersion: string | undefined;
  #reloading: Promise<void> = Promise.resolve();
  #started = false;
  /** Checks that already had an evaluation failure recorded as an Event since they were loaded. */
  readonly #failedChecks = new Set<string>();
  /** The problems of the current ConfigMap, for the status view and tests. */
  problems: string[] = [];

  constructor(options: CustomChecksSourceOptions) {
    this.#options = options;
    this.#informer = new Informer<V1ConfigMap>(options.client, {
      type: builtin.configMap,
      namespaces: [options.namespace],
      fieldSelector: `metadata.name=${policiesConfigMapName}`,
      transform: configMapMetadataOnly,
      logger: options.logger,
    });
    this.#informer.on(() => {
      if (this.#started) void this.#reload(true);
    });
  }

  get entries(): readonly CustomCheckEntry[] {
    return this.#entries;
  }

  async start(): Promise<void> {
    await this.#informer.start();
    this.#started = true;
    await this.#reload(false);
  }

  async stop(): Promise<void> {
    this.#started = false;
    await this.#informer.stop();
    await this.#reloading;
  }

  /** Logs every failure; the first one of each check (per ConfigMap version) also becomes a Warning Event. */
  reportEvaluationError(error: CustomCheckEvaluationError): void {
    const first = !this.#failedChecks.has(error.checkId);
    this.#failedChecks.add(error.checkId);
    this.#options.logger[first ? 'warn' : 'debug']({ check: error.checkId }, error.message);
    if (!first) return;
    const configMap = this.#informer.get(policiesConfigMapName, this.#options.namespace);
    if (configMap)
      void this.#options.events.record(configMap, 'Warning', CUSTOM_CHECK_FAILED_REASON, error.message);
  }

  #reload(notify: boolean): Promise<void> {
    this.#reloading = this.#reloading.then(() => this.#load(notify));
    return this.#reloading;
  }

  async #load(notify: boolean): Promise<void> {
    const { client, namespace, logger, events } = this.#options;
    const cached = this.#informer.get(policiesConfigMapName, namespace);
    const version = cached?.metadata?.resourceVersion ?? '';
    if (version === this.#loadedVersion) return;
    let configMap: V1ConfigMap | undefined;
    try {
      configMap = cached
        ? await client.get<V1ConfigMap>(builtin.configMap, policiesConfigMapName, namespace)
        : undefined;
    } catch (error) {
      logger.error(
        { configMap: `${namespace}/${policiesConfigMapName}`, err: describeError(error) },
        'cannot read the custom checks; keeping the previous ones',
      );
      return;
    }
    this.#loadedVersion = version;
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(configMap?.data ?? {})) {
      if (typeof value === 'string') data[key] = value;
    }
    const { entries, problems } = customCheckEntries(data);
    this.problems = problems.map((problem) => problem.message);
    this.#failedChecks.clear();
    for (const problem of problems) {
      logger.error({ configMap: policiesConfigMapName, policy: problem.policyName }, problem.message);
      if (configMap) {
        const text = problem.hint ? `${problem.message}; ${problem.hint}` : problem.message;
        void events.record(configMap, 'Warning', INVALID_CUSTOM_CHECK_REASON, text);
      }
    }
    this.#entries = entries;
    logger.info(
      { configMap: policiesConfigMapName, checks: entries.length, problems: problems.length },
      configMap ? 'custom checks loaded' : 'no custom checks',
    );
    if (notify) this.#options.onChange(this.#entries);
  }
}
