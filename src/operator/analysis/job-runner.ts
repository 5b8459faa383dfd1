import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { decodeImageRecord, type ImageRecord } from '../../scanner/scan/image-record.ts';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { isAlreadyExists, type KubeClient } from '../kube/client.ts';
import { Informer, withoutManagedFields } from '../kube/informer.ts';
import { builtin } from '../kube/resource-types.ts';
import {
  buildCredentialsSecret,
  buildScanJob,
  requestOfJob,
  scanContainerName,
  scanJobName,
  scanJobSelector,
  type ScanJobSettings,
} from './scan-job-spec.ts';
import { imageKey } from '../store/image-store.ts';
import { AnalysisError, type AnalysisRequest, type AnalysisRunner } from './types.ts';

/** Logs larger than this are not read (a record of 100,000 packages compresses to a few MiB). */
const maxLogBytes = 64 * 1024 * 1024;

interface Waiter {
  promise: Promise<ImageRecord>;
  resolve: (record: ImageRecord) => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
  /**
   * The uid of the Job awaited, once known. Jobs are named after the image, so a new analysis of an image reuses the
   * name of the Job it analysed last; events of that earlier Job (its deletion, its finished state) are not this one's.
   */
  uid?: string;
}

/**
 * `OPERATOR_SCAN_MODE=Job` (the default): each image is analysed by a Job running `trivy-ts scan-job` in the
 * operator's own image. The Job prints the analysis as one line; the operator reads it through `pods/log`, then always
 * deletes the Job (its credentials Secret goes with it through its ownerReference). Jobs are named after the image, so
 * a restarted operator finds and awaits the Jobs of its previous run instead of starting them again.
 */
export class JobRunner implements AnalysisRunner {
  readonly mode = 'Job' as const;
  readonly #client: KubeClient;
  readonly #settings: ScanJobSettings;
  readonly #logger: Logger;
  readonly #jobs: Informer<V1Job>;
  readonly #waiters = new Map<string, Waiter>();
  /** Jobs whose results are being read, by name; a second request for one waits for the first. */
  readonly #finishing = new Map<string, Promise<void>>();
  #sweeper: NodeJS.Timeout | undefined;
  /** Set by stop(): Jobs that finish from then on are left for the next run to read. */
  #stopping = false;

  constructor(options: { client: KubeClient; settings: ScanJobSettings; logger: Logger }) {
    this.#client = options.client;
    this.#settings = options.settings;
    this.#logger = options.logger.child({ runner: 'job' });
    this.#jobs = new Informer<V1Job>(options.client, {
      type: builtin.job,
      namespaces: [options.settings.namespace],
      labelSelector: scanJobSelector,
      transform: withoutManagedFields,
      logger: options.logger,
    });
    this.#jobs.on((event) => {
      if (event.type !== 'deleted' && isFinished(event.object)) void this.#finish(event.object);
      if (event.type === 'deleted') {
        const name = event.object.metadata?.name ?? '';
        const waiter = this.#waiters.get(name);
        // Only the awaited Job's own deletion counts: a Job not created yet cannot have been deleted.
        const deletedUid = event.object.metadata?.uid;
        if (waiter?.uid !== undefined && waiter.uid === deletedUid && !this.#finishing.has(name)) {
          this.#settle(
            name,
            new AnalysisError('JobDeleted', `scan Job ${name} was deleted before it finished`),
          );
        }
      }
    });
  }

  async start(): Promise<void> {
    await this.#jobs.start();
    // Finished Jobs whose deletion failed (API hiccup) are collected on the next sweep.
    this.#sweeper = setInterval(() => {
      for (const job of this.#jobs.list()) if (isFinished(job)) void this.#finish(job);
    }, 60_000);
    this.#sweeper.unref();
  }

  /** Running Jobs of a previous operator run; finished ones are collected now. */
  async adopt() {
    const adopted = [];
    for (const job of this.#jobs.list()) {
      const request = requestOfJob(job);
      const name = job.metadata?.name ?? '';
      if (!request) {
        await this.#delete(name);
        continue;
      }
      const key = imageKey(request.digest, request.platform);
      const waiter = this.#wait(name);
      waiter.uid = job.metadata?.uid;
      adopted.push({ request: { key, ...request }, result: waiter.promise });
      if (isFinished(job)) void this.#finish(job);
    }
    return adopted;
  }

  async analyze(request: AnalysisRequest): Promise<ImageRecord> {
    const name = scanJobName(request.digest, request.platform);
    // The previous Job of this image is read and deleted first: the new one takes its name.
    await this.#finishing.get(name);
    const waiter = this.#wait(name);
    try {
      const secret = buildCredentialsSecret(request, this.#settings);
      if (secret) await this.#createOrReplaceSecret(secret);
      let job: V1Job;
      try {
        job = await this.#client.create(builtin.job, buildScanJob(request, this.#settings));
        this.#logger.info({ job: name, image: request.key }, 'scan Job created');
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        job = (await this.#client.get<V1Job>(builtin.job, name, this.#settings.namespace)) ?? {};
        this.#logger.info({ job: name }, 'scan Job already exists; waiting for it');
      }
      waiter.uid = job.metadata?.uid;
      if (secret && job.metadata?.uid) {
        await this.#client.mergePatch(builtin.secret, secret.metadata!.name!, this.#settings.namespace, {
          metadata: {
            ownerReferences: [
              { apiVersion: 'batch/v1', kind: 'Job', name, uid: job.metadata.uid, blockOwnerDeletion: false },
            ],
          },
        });
      }
      if (isFinished(job)) void this.#finish(job);
    } catch (error) {
      this.#settle(
        name,
        new AnalysisError('JobCreateFailed', `cannot create scan Job ${name}: ${describeError(error)}`),
      );
    }
    return waiter.promise;
  }

  async stop(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#stopping = true;
    // Results being read are handed over (and stored) before their Jobs go; the rest are adopted by the next run.
    await Promise.allSettled(this.#finishing.values());
    await this.#jobs.stop();
    for (const waiter of this.#waiters.values()) clearTimeout(waiter.timer);
  }

  /** Running scan Jobs (for the concurrency view and metrics). */
  get running(): number {
    return this.#jobs.list().filter((job) => !isFinished(job)).length;
  }

  #wait(name: string): Waiter {
    const existing = this.#waiters.get(name);
    if (existing) return existing;
    const { promise, resolve, reject } = Promise.withResolvers<ImageRecord>();
    const waiter: Waiter = { promise, resolve, reject };
    // The Job's own deadline should end it; this guards against a Job that never gets a condition at all.
    if (this.#settings.timeoutSeconds > 0) {
      waiter.timer = setTimeout(
        () => {
          void this.#delete(name);
          this.#settle(name, new AnalysisError('Timeout', `scan Job ${name} did not finish in time`));
        },
        (this.#settings.timeoutSeconds + 120) * 1000,
      );
      waiter.timer.unref();
    }
    promise.catch(() => undefined);
    this.#waiters.set(name, waiter);
    return waiter;
  }

  #settle(name: string, outcome: ImageRecord | Error): void {
    const waiter = this.#waiters.get(name);
    if (!waiter) return;
    this.#waiters.delete(name);
    clearTimeout(waiter.timer);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }

  #finish(job: V1Job): Promise<void> {
    const name = job.metadata?.name ?? '';
    const running = this.#finishing.get(name);
    if (running) return running;
    // A finished Job of the same name that is not the one awaited: an earlier analysis's, already being deleted.
    const waiter = this.#waiters.get(name);
    if (waiter && !isAwaited(waiter, job)) return Promise.resolve();
    if (this.#stopping) return Promise.resolve();
    const finishing = this.#collectAndDelete(name, job).finally(() => this.#finishing.delete(name));
    this.#finishing.set(name, finishing);
    return finishing;
  }

  async #collectAndDelete(name: string, job: V1Job): Promise<void> {
    const outcome = await this.#collect(job).catch((error: unknown) =>
      error instanceof AnalysisError
        ? error
        : new AnalysisError('ResultUnreadable', `scan Job ${name}: ${describeError(error)}`),
    );
    if (outcome instanceof Error)
      this.#logger.warn({ job: name, reason: (outcome as AnalysisError).reason }, outcome.message);
    this.#settle(name, outcome);
    await this.#delete(name);
  }

  async #collect(job: V1Job): Promise<ImageRecord> {
    const name = job.metadata?.name ?? '';
    const namespace = this.#settings.namespace;
    const pods = await this.#client.list<V1Pod>(builtin.pod, {
      namespace,
      labelSelector: `job-name=${name}`,
    });
    const pod = pods.items.sort((a, b) =>
      String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')),
    )[0];
    const failed = job.status?.conditions?.find(
      (condition) =>
        (condition.type === 'Failed' || condition.type === 'FailureTarget') && condition.status === 'True',
    );
    if (failed) {
      const terminated = pod?.status?.containerStatuses?.find((status) => status.name === scanContainerName)
        ?.state?.terminated;
      if (failed.reason === 'DeadlineExceeded') {
        throw new AnalysisError(
          'Timeout',
          `scan Job ${name} exceeded its deadline (OPERATOR_SCAN_JOB_TIMEOUT)`,
        );
      }
      const message = lastLine(terminated?.message) ?? (pod ? await this.#logTail(pod) : undefined);
      throw new AnalysisError(
        terminated?.reason === 'OOMKilled' ? 'OOMKilled' : 'ScanFailed',
        `scan Job ${name} failed${terminated ? ` (exit code ${terminated.exitCode})` : ''}: ${message ?? failed.message ?? failed.reason ?? 'no details'}`,
      );
    }
    if (!pod?.metadata?.name)
      throw new AnalysisError('ResultUnreadable', `scan Job ${name} has no pod to read`);
    const log = await this.#client.podLog(namespace, pod.metadata.name, scanContainerName, maxLogBytes);
    return decodeImageRecord(log);
  }

  async #logTail(pod: V1Pod): Promise<string | undefined> {
    try {
      const log = await this.#client.podLog(
        this.#settings.namespace,
        pod.metadata!.name!,
        scanContainerName,
        4096,
      );
      return lastLine(log);
    } catch {
      return undefined;
    }
  }

  async #createOrReplaceSecret(
    secret: NonNullable<ReturnType<typeof buildCredentialsSecret>>,
  ): Promise<void> {
    try {
      await this.#client.create(builtin.secret, secret);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      // Left by an attempt that crashed between the Secret and the Job: refresh it rather than fail.
      const existing = await this.#client.get(
        builtin.secret,
        secret.metadata!.name!,
        this.#settings.namespace,
      );
      await this.#client.replace(builtin.secret, {
        ...secret,
        metadata: { ...secret.metadata, resourceVersion: existing?.metadata?.resourceVersion },
      });
    }
  }

  async #delete(name: string): Promise<void> {
    try {
      await this.#client.delete(builtin.job, name, this.#settings.namespace, {
        propagationPolicy: 'Background',
      });
    } catch (error) {
      this.#logger.warn(
        { job: name, err: describeError(error) },
        'cannot delete scan Job; it will be retried',
      );
    }
  }
}

/**
 * Whether a finished `job` is the one `waiter` waits for. A waiter whose create call has not returned yet takes any:
 * the watch may report its Job finished before the create response arrives.
 */
function isAwaited(waiter: Waiter, job: V1Job): boolean {
  return waiter.uid === undefined || job.metadata?.uid === undefined || waiter.uid === job.metadata.uid;
}

function isFinished(job: V1Job): boolean {
  return (job.status?.conditions ?? []).some(
    (condition) =>
      condition.status === 'True' &&
      ['Complete', 'Failed', 'SuccessCriteriaMet', 'FailureTarget'].includes(condition.type),
  );
}

function lastLine(text: string | undefined): string | undefined {
  const lines = (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1)?.slice(0, 500);
}
