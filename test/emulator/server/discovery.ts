import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from './resources.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Served versions of a group, preferred (storage) version first. */
function versionsOf(registry: ResourceRegistry, group: string): string[] {
  const types = registry.all().filter((t) => t.group === group);
  const versions = [...new Set(types.map((t) => t.version))];
  const storage = types.find((t) => t.custom)?.custom?.storageVersion;
  return storage && versions.includes(storage)
    ? [storage, ...versions.filter((v) => v !== storage)]
    : versions;
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(registry: ResourceRegistry, name: string): Record<string, unknown> {
  const versions = versionsOf(registry, name).map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  const groups = [...registry.groupVersions().keys()].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => apiGroup(registry, g)) };
}

export function apiGroupDocument(registry: ResourceRegistry, group: string): unknown | undefined {
  if (group === '' || !registry.groupVersions().has(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(registry, group) };
}

function subresourceVerbs(sub: string): string[] {
  return sub === 'log' ? ['get'] : ['get', 'patch', 'update'];
}

export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): unknown | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const t of types) {
    const entry: Record<string, unknown> = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      storageVersionHash: createHash('sha256')
        .update(`${t.group}/${t.resource}`)
        .digest('base64')
        .slice(0, 11),
    };
    if (t.shortNames.length > 0) entry.shortNames = t.shortNames;
    if (t.categories.length > 0) entry.categories = t.categories;
    resources.push(entry);
    for (const sub of t.subresources) {
      resources.push({
        name: `${t.resource}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: t.kind }),
        verbs: subresourceVerbs(sub),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

// ---------------------------------------------------------------- OpenAPI v3

function openApiPathKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/**
 * One OpenAPI v3 document per group/version. It declares, for each kind, a PATCH operation that accepts the
 * `fieldValidation` query parameter, so kubectl leaves field validation to the server instead of validating
 * client-side. It deliberately omits `application/strategic-merge-patch+json` from the PATCH request body,
 * so `kubectl apply` computes strategic merge patches from its compiled-in types (the real patch strategies)
 * rather than from this schema-less document.
 */
export function openApiV3GroupVersion(registry: ResourceRegistry, group: string, version: string): unknown {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const schemaName = schemaNameOf(t);
    schemas[schemaName] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      ...(t.custom?.schema ? { properties: (t.custom.schema as { properties?: unknown }).properties } : {}),
    };
    const prefix = `/${openApiPathKey(t.group, t.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    const body = { content: { '*/*': { schema: { $ref: `#/components/schemas/${schemaName}` } } } };
    const parameters = [
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
    ];
    const op = (action: string) => ({
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters,
      responses: { '200': body },
    });
    paths[prefix] = { get: op('list'), post: { ...op('post'), requestBody: body } };
    paths[`${prefix}/{name}`] = {
      get: op('get'),
      put: { ...op('put'), requestBody: body },
      delete: op('delete'),
      patch: {
        ...op('patch'),
        requestBody: {
          content: {
            'application/json-patch+json': { schema: { type: 'object' } },
            'application/merge-patch+json': { schema: { type: 'object' } },
            'application/apply-patch+yaml': { schema: { type: 'object' } },
          },
        },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

function schemaNameOf(t: ResourceType): string {
  const reversed = t.group === '' ? 'io.k8s.api.core' : t.group.split('.').reverse().join('.');
  return `${reversed}.${t.version}.${t.kind}`;
}

export function openApiV3Root(registry: ResourceRegistry): unknown {
  const paths: Record<string, unknown> = {};
  for (const [group, versions] of registry.groupVersions()) {
    for (const version of versions) {
      const key = openApiPathKey(group, version);
      const hash = createHash('sha512')
        .update(JSON.stringify(openApiV3GroupVersion(registry, group, version)))
        .digest('hex')
        .toUpperCase()
        .slice(0, 128);
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    }
  }
  return { paths };
}
