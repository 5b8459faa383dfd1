import type { SourceReader } from './source-reader.ts';
import { quantity, quantityValue } from './values.ts';

/** `trivy.resources.{requests,limits}.{cpu,memory,ephemeral-storage}`: what scan Job containers request. */

export type ResourceName = 'cpu' | 'memory' | 'ephemeral-storage';

/** In the form of a container's `resources`. */
export interface ScanJobResources {
  readonly requests: Readonly<Partial<Record<ResourceName, string>>>;
  readonly limits: Readonly<Partial<Record<ResourceName, string>>>;
}

const RESOURCE_NAMES: readonly ResourceName[] = ['cpu', 'memory', 'ephemeral-storage'];

export function readResources(r: SourceReader): ScanJobResources {
  const read = (kind: 'requests' | 'limits'): Partial<Record<ResourceName, string>> =>
    Object.fromEntries(
      RESOURCE_NAMES.flatMap((name) => {
        const value = r.optional(`trivy.resources.${kind}.${name}`, quantity);
        return value === undefined ? [] : [[name, value]];
      }),
    );
  const requests = read('requests');
  const limits = read('limits');
  for (const name of RESOURCE_NAMES) {
    const [request, limit] = [requests[name], limits[name]];
    if (request === undefined || limit === undefined) continue;
    if ((quantityValue(request) ?? 0) > (quantityValue(limit) ?? 0)) {
      r.error(
        `trivy.resources.requests.${name}`,
        `is more than trivy.resources.limits.${name} (${limit}); Kubernetes rejects such a scan Job, so lower the request or raise the limit`,
        request,
      );
    }
  }
  return { requests, limits };
}
