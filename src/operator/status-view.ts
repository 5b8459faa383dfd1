import { digestFromImageId } from './images/image-digests.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_OPERATOR } from './kube/ownership.ts';
import { imageReportName } from './kube/naming.ts';
import { parseOwnerKey } from './cluster/workload-view.ts';
import { IMAGE_DIGEST_ANNOTATION } from './reports/report-writer.ts';
import type { Operator } from './operator.ts';

export interface Coverage {
  /** Running containers whose VulnerabilityReport describes the digest they run. */
  covered: number;
  running: number;
  ratio: number;
}

/**
 * Coverage: of the containers running now, how many have a VulnerabilityReport for the very digest they run. Below
 * 1 means scans are pending, failing or stalled somewhere; the status view says which.
 */
export function coverage(operator: Pick<Operator, 'view' | 'reports'>): Coverage {
  let covered = 0;
  let running = 0;
  const { view, reports } = operator;
  if (!view || !reports) return { covered, running, ratio: 1 };
  for (const pod of view.allPods()) {
    const ownerKey = view.ownerKeyOfPod(pod);
    if (!ownerKey || pod.status?.phase !== 'Running') continue;
    // The operator's own scan Jobs are never reported on: counting them would pull coverage down while scans run.
    if (pod.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_OPERATOR) continue;
    const owner = parseOwnerKey(ownerKey);
    for (const status of pod.status.containerStatuses ?? []) {
      if (!status.state?.running) continue;
      running++;
      const report = reports.get(
        'VulnerabilityReport',
        imageReportName(owner.kind, owner.name, status.name),
        owner.namespace,
      );
      const digest = digestFromImageId(status.imageID);
      if (report && (!digest || report.metadata.annotations?.[IMAGE_DIGEST_ANNOTATION] === digest)) covered++;
    }
  }
  return { covered, running, ratio: running === 0 ? 1 : covered / running };
}

/** What `GET /status` and `trivy-ts status` show: the DB, the queue, every image and every owner not yet done. */
export function statusView(operator: Operator) {
  const owners = new Map<string, string[]>();
  for (const [owner, state] of operator.controller?.states ?? []) {
    for (const image of state.images) owners.set(image, [...(owners.get(image) ?? []), owner]);
  }
  const images = (operator.store?.all() ?? []).map((image) => ({
    digest: image.digest,
    platform: image.platform,
    repository: image.repository,
    state: image.state,
    ...(image.reason ? { reason: image.reason } : {}),
    attempts: image.attempts,
    ...(image.nextAttemptAt && image.state === 'failed'
      ? { nextAttemptAt: new Date(image.nextAttemptAt).toISOString() }
      : {}),
    ...(image.analyzedAt ? { analyzedAt: new Date(image.analyzedAt).toISOString() } : {}),
    workloads: owners.get(image.key) ?? [],
  }));
  const counts = { pending: 0, scanning: 0, done: 0, failed: 0 };
  for (const image of images) counts[image.state]++;
  const workloads = [...(operator.controller?.states ?? [])]
    .filter(([, state]) => state.state !== 'done')
    .map(([key, state]) => ({
      workload: key,
      state: state.state,
      ...(state.reason ? { reason: state.reason } : {}),
    }));
  return {
    ready: operator.ready,
    mode: operator.runner?.mode,
    vulnerabilityDb: {
      version: operator.db?.version,
      ageSeconds: operator.db?.ageSeconds(),
      ...(operator.db?.lastError ? { lastError: operator.db.lastError } : {}),
    },
    queue: { waiting: operator.queue?.waiting ?? 0, running: operator.queue?.running ?? 0 },
    coverage: coverage(operator),
    images: { counts, items: images },
    workloadsNotDone: workloads,
  };
}
