import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Lease } from '@kubernetes/client-node';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { isAlreadyExists, isConflict, type KubeClient } from '../kube/client.ts';
import { builtin } from '../kube/resource-types.ts';

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** `OPERATOR_LEADER_ELECTION_ID`. */
  name: string;
  identity: string;
  logger: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

/**
 * Leader election on a `coordination.k8s.io` Lease, with client-go's rules: take the lease when it is free or its
 * holder has not renewed it within the lease duration, renew it every retry period, and give up leadership when a
 * renewal has not succeeded within the renew deadline. Optimistic concurrency on the Lease decides races.
 */
export class LeaderElector {
  readonly #options: Required<LeaderElectionOptions>;
  #leading = false;
  #stopped = false;

  constructor(options: LeaderElectionOptions) {
    this.#options = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...options };
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /**
   * Waits until this process leads, then keeps renewing in the background; `onLost` runs once if leadership is lost.
   * Resolves false if stopped before leading.
   */
  async run(onLost: () => void): Promise<boolean> {
    const { logger, retryPeriodMs } = this.#options;
    while (!this.#stopped && !(await this.#tryAcquireOrRenew())) await sleep(retryPeriodMs);
    if (this.#stopped) return false;
    this.#leading = true;
    logger.info({ lease: this.#options.name, identity: this.#options.identity }, 'became leader');
    void this.#renewLoop(onLost);
    return true;
  }

  /** Stops renewing and releases the lease so another replica can take over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (!this.#leading) return;
    this.#leading = false;
    try {
      const lease = await this.#get();
      if (lease?.spec?.holderIdentity === this.#options.identity) {
        await this.#options.client.replace(builtin.lease, {
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 },
        });
      }
    } catch (error) {
      this.#options.logger.warn({ err: describeError(error) }, 'could not release the leader lease');
    }
  }

  async #renewLoop(onLost: () => void): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs, logger } = this.#options;
    let lastRenew = Date.now();
    while (!this.#stopped) {
      await sleep(retryPeriodMs);
      if (this.#stopped) return;
      if (await this.#tryAcquireOrRenew()) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew > renewDeadlineMs) {
        this.#leading = false;
        logger.error({ lease: this.#options.name }, 'lost leadership');
        onLost();
        return;
      }
    }
  }

  async #get(): Promise<V1Lease | undefined> {
    return this.#options.client.get<V1Lease>(builtin.lease, this.#options.name, this.#options.namespace);
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity, leaseDurationMs, logger } = this.#options;
    const now = new Date();
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      renewTime: microTime(now),
    };
    try {
      const lease = await this.#get();
      if (!lease) {
        await client.create<V1Lease>(builtin.lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { ...spec, acquireTime: spec.renewTime, leaseTransitions: 0 },
        });
        return true;
      }
      const holder = lease.spec?.holderIdentity ?? '';
      const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
      const duration = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
      const expired = renewed + duration < now.getTime();
      if (holder !== '' && holder !== identity && !expired) return false;
      const transitions = (lease.spec?.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
      await client.replace<V1Lease>(builtin.lease, {
        ...lease,
        spec: {
          ...lease.spec,
          ...spec,
          ...(holder === identity ? {} : { acquireTime: spec.renewTime }),
          leaseTransitions: transitions,
        },
      });
      return true;
    } catch (error) {
      if (!isConflict(error) && !isAlreadyExists(error)) {
        logger.warn({ err: describeError(error) }, 'leader election request failed');
      }
      return false;
    }
  }
}

/** `metav1.MicroTime` wants exactly six fractional digits (`2026-12-03T10:00:00.123000Z`). */
function microTime(date: Date): Date {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
}
