import { randomBytes } from 'node:crypto';
import type { CoreV1Event, KubernetesObject } from '@kubernetes/client-node';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { KubeClient } from '../kube/client.ts';
import { builtin } from '../kube/resource-types.ts';

const maxRemembered = 5000;
/** Repeats of the same event within this window update its count instead of creating another Event. */
const aggregationWindowMs = 10 * 60_000;

/**
 * Kubernetes Events on the workloads the operator reports on (`kubectl describe` shows them), so a failing scan is
 * visible where users look. Repeats are folded into one Event with a count, as the kubelet does.
 */
export class EventRecorder {
  readonly #client: KubeClient;
  readonly #logger: Logger;
  readonly #component: string;
  readonly #recent = new Map<string, { name: string; namespace: string; count: number; at: number }>();

  constructor(options: { client: KubeClient; logger: Logger; component?: string }) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#component = options.component ?? 'trivy-ts-operator';
  }

  /** Never throws: an Event that cannot be written is logged and dropped. */
  async record(
    object: KubernetesObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const namespace = object.metadata?.namespace || 'default';
    const key = `${object.metadata?.uid ?? ''}|${reason}|${message}`;
    const now = new Date();
    const seen = this.#recent.get(key);
    try {
      if (seen && now.getTime() - seen.at < aggregationWindowMs) {
        seen.count++;
        seen.at = now.getTime();
        await this.#client.mergePatch(builtin.event, seen.name, seen.namespace, {
          count: seen.count,
          lastTimestamp: now.toISOString(),
        });
        return;
      }
      const name = `${object.metadata?.name ?? 'object'}.${randomBytes(8).toString('hex')}`.slice(-253);
      const event: CoreV1Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: object.apiVersion ?? '',
          kind: object.kind ?? '',
          name: object.metadata?.name ?? '',
          namespace: object.metadata?.namespace ?? '',
          uid: object.metadata?.uid ?? '',
          resourceVersion: object.metadata?.resourceVersion ?? '',
        },
        reason,
        message: message.slice(0, 1024),
        type,
        count: 1,
        firstTimestamp: now.toISOString() as unknown as Date,
        lastTimestamp: now.toISOString() as unknown as Date,
        source: { component: this.#component },
        reportingComponent: this.#component,
      };
      await this.#client.create(builtin.event, event);
      this.#remember(key, { name, namespace, count: 1, at: now.getTime() });
    } catch (error) {
      this.#logger.debug({ reason, err: describeError(error) }, 'could not record an Event');
    }
  }

  #remember(key: string, value: { name: string; namespace: string; count: number; at: number }): void {
    this.#recent.set(key, value);
    if (this.#recent.size > maxRemembered) {
      const oldest = this.#recent.keys().next().value;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
  }
}
