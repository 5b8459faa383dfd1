/** Image reference checks: tags and registries. */
import type { Check } from '../types.ts';
import { WORKLOAD_KINDS, stringAt } from '../kubernetes-object.ts';
import type { ContainerRef } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perContainer } from './findings.ts';

function imageOf(ref: ContainerRef): string {
  return stringAt(ref.container, 'image') ?? '';
}

/** The registry part of an image reference: its first `/` segment, when there are at least two. */
export function registryOf(image: string): string | undefined {
  const slash = image.indexOf('/');
  return slash < 0 ? undefined : image.slice(0, slash);
}

/** True when the image is pinned by digest or carries a tag other than `latest` (a registry port is not a tag). */
export function hasPinnedTag(image: string): boolean {
  if (image.includes('@')) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon >= 0 && lastSegment.slice(colon + 1) !== 'latest';
}

export const AZURE_REGISTRY_SUFFIXES = ['azurecr.io'] as const;
export const GCR_REGISTRY_SUFFIXES = ['gcr.io', 'us.gcr.io', 'eu.gcr.io', 'asia.gcr.io'] as const;
export const ECR_REGISTRY_SUFFIXES = [
  ...[
    'us-east-2',
    'us-east-1',
    'us-west-1',
    'us-west-2',
    'af-south-1',
    'ap-east-1',
    'ap-south-1',
    'ap-northeast-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-northeast-1',
    'ca-central-1',
    'eu-central-1',
    'eu-west-1',
    'eu-west-2',
    'eu-south-1',
    'eu-west-3',
    'eu-north-1',
    'me-south-1',
    'sa-east-1',
    'us-gov-east-1',
    'us-gov-west-1',
  ].map((region) => `ecr.${region}.amazonaws.com`),
  'ecr.cn-north-1.amazonaws.com.cn',
  'ecr.cn-northwest-1.amazonaws.com.cn',
] as const;

/** KSV-0125's default trusted registries. */
export const TRUSTED_REGISTRY_SUFFIXES: readonly string[] = [
  ...AZURE_REGISTRY_SUFFIXES,
  ...ECR_REGISTRY_SUFFIXES,
  ...GCR_REGISTRY_SUFFIXES,
];

function fromRegistries(image: string, suffixes: readonly string[]): boolean {
  const registry = registryOf(image);
  return registry !== undefined && suffixes.some((suffix) => registry.endsWith(suffix));
}

export const imageTag: Check = {
  id: 'KSV-0013',
  aliases: aliasesFor('KSV-0013', 'KSV013'),
  title: 'Image tag ":latest" used',
  description:
    'An image without a tag, or tagged latest, can change under a running workload; a fixed tag or a digest ' +
    'makes deployments repeatable and auditable.',
  severity: 'MEDIUM',
  remediation: "Use a specific image tag other than 'latest', or pin the image by digest.",
  references: avdReference('KSV-0013'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => !hasPinnedTag(imageOf(ref)),
      (ref, l) => `Container '${ref.name}' of ${l.Kind} '${l.name}' should specify an image tag`,
    ),
};

export const azureRegistry: Check = {
  id: 'KSV-0032',
  aliases: aliasesFor('KSV-0032', 'KSV032'),
  title: 'All container images must start with the *.azurecr.io domain',
  description:
    'Pulling only from your own Azure Container Registry keeps unvetted images out of the cluster.',
  severity: 'MEDIUM',
  remediation: "Use images from a registry whose host ends in 'azurecr.io'.",
  references: avdReference('KSV-0032'),
  kinds: WORKLOAD_KINDS,
  deprecated: true,
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => !fromRegistries(imageOf(ref), AZURE_REGISTRY_SUFFIXES),
      (ref, l) =>
        `container ${ref.name} of ${l.kind} ${l.name} in ${l.ns} namespace should restrict container image to ` +
        "your specific registry domain. For Azure any domain ending in 'azurecr.io'",
    ),
};

export const gcrRegistry: Check = {
  id: 'KSV-0033',
  aliases: aliasesFor('KSV-0033', 'KSV033'),
  title: 'All container images must start with a GCR domain',
  description:
    'Pulling only from Google Container Registry hosts you control keeps unvetted images out of the cluster.',
  severity: 'MEDIUM',
  remediation: 'Use images from gcr.io, us.gcr.io, eu.gcr.io or asia.gcr.io.',
  references: avdReference('KSV-0033'),
  kinds: WORKLOAD_KINDS,
  deprecated: true,
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => !fromRegistries(imageOf(ref), GCR_REGISTRY_SUFFIXES),
      (ref, l) =>
        `container ${ref.name} of ${l.kind} ${l.name} in ${l.ns} namespace should restrict container image to ` +
        'your specific registry domain. See the full GCR list here: ' +
        'https://cloud.google.com/container-registry/docs/overview#registries',
    ),
};

export const publicRegistry: Check = {
  id: 'KSV-0034',
  aliases: aliasesFor('KSV-0034', 'KSV034'),
  title: 'Container images from public registries used',
  description:
    'Images from public registries (Docker Hub, GitHub Container Registry) may change or be replaced without ' +
    'review; a private registry puts a gate in front of what runs.',
  severity: 'MEDIUM',
  remediation: 'Mirror the images you need into a private registry and use them from there.',
  references: avdReference('KSV-0034'),
  kinds: WORKLOAD_KINDS,
  deprecated: true,
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => {
        const image = imageOf(ref);
        const firstSegment = image.split('/')[0] ?? '';
        return image.startsWith('docker.io') || image.startsWith('ghcr.io') || !firstSegment.includes('.');
      },
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should restrict container image to use private registries`,
    ),
};

export const ecrRegistry: Check = {
  id: 'KSV-0035',
  aliases: aliasesFor('KSV-0035', 'KSV035'),
  title: 'All container images must start with an ECR domain',
  description: 'Pulling only from your own Amazon ECR repositories keeps unvetted images out of the cluster.',
  severity: 'MEDIUM',
  remediation: 'Use images from an ECR registry (ecr.<region>.amazonaws.com).',
  references: avdReference('KSV-0035'),
  kinds: WORKLOAD_KINDS,
  deprecated: true,
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => !fromRegistries(imageOf(ref), ECR_REGISTRY_SUFFIXES),
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should restrict images to own ECR repository. ` +
        'See the full ECR list here: https://docs.aws.amazon.com/general/latest/gr/ecr.html',
    ),
};

export const trustedRegistry: Check = {
  id: 'KSV-0125',
  aliases: aliasesFor('KSV-0125', 'KSV0125'),
  title: 'Restrict container images to trusted registries',
  description:
    'Images from registries nobody vetted may carry malware or unpatched software; naming the registry ' +
    'explicitly and keeping it to a trusted list limits that risk.',
  severity: 'MEDIUM',
  remediation:
    'Pull images from a trusted registry (Azure Container Registry, Amazon ECR or Google Container Registry).',
  references: avdReference('KSV-0125'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => {
        const image = imageOf(ref);
        return registryOf(image) !== undefined && !fromRegistries(image, TRUSTED_REGISTRY_SUFFIXES);
      },
      (ref, l) =>
        `Container ${ref.name} in ${l.kind} ${l.name} (namespace: ${l.ns}) uses an image from an untrusted registry.`,
    ),
};

export const imageChecks: readonly Check[] = [
  imageTag,
  azureRegistry,
  gcrRegistry,
  publicRegistry,
  ecrRegistry,
  trustedRegistry,
];
