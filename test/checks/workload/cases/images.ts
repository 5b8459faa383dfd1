import type { CheckCase } from '../fixtures.ts';
import { container, podSpec, replicaSet } from '../fixtures.ts';

const withImage = (image: string) => replicaSet(podSpec({}, [container({ image })]));

const tagCases: CheckCase[] = [
  ['nginx', false],
  ['nginx:latest', false],
  ['localhost:5000/nginx', false],
  ['localhost:5000/nginx:latest', false],
  ['nginx:1.25', true],
  ['localhost:5000/team/nginx:1.25', true],
  ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', true],
].map(([image, passes]) => ({
  check: 'KSV-0013',
  name: `${String(image)} ${passes ? 'passes' : 'fails'}`,
  object: withImage(String(image)),
  messages: passes ? [] : ["Container 'app' of ReplicaSet 'web' should specify an image tag"],
}));

const azure = (image: string, passes: boolean): CheckCase => ({
  check: 'KSV-0032',
  name: `${image} ${passes ? 'passes' : 'fails'}`,
  object: withImage(image),
  messages: passes
    ? []
    : [
        'container app of replicaset web in apps namespace should restrict container image to your specific registry ' +
          "domain. For Azure any domain ending in 'azurecr.io'",
      ],
});

const gcr = (image: string, passes: boolean): CheckCase => ({
  check: 'KSV-0033',
  name: `${image} ${passes ? 'passes' : 'fails'}`,
  object: withImage(image),
  messages: passes
    ? []
    : [
        'container app of replicaset web in apps namespace should restrict container image to your specific registry ' +
          'domain. See the full GCR list here: https://cloud.google.com/container-registry/docs/overview#registries',
      ],
});

const publicRegistry = (image: string, passes: boolean): CheckCase => ({
  check: 'KSV-0034',
  name: `${image} ${passes ? 'passes' : 'fails'}`,
  object: withImage(image),
  messages: passes
    ? []
    : ["Container 'app' of ReplicaSet 'web' should restrict container image to use private registries"],
});

const ecr = (image: string, passes: boolean): CheckCase => ({
  check: 'KSV-0035',
  name: `${image} ${passes ? 'passes' : 'fails'}`,
  object: withImage(image),
  messages: passes
    ? []
    : [
        "Container 'app' of ReplicaSet 'web' should restrict images to own ECR repository. See the full ECR list " +
          'here: https://docs.aws.amazon.com/general/latest/gr/ecr.html',
      ],
});

const trusted = (image: string, passes: boolean): CheckCase => ({
  check: 'KSV-0125',
  name: `${image} ${passes ? 'passes' : 'fails'}`,
  object: withImage(image),
  messages: passes
    ? []
    : ['Container app in replicaset web (namespace: apps) uses an image from an untrusted registry.'],
});

export const imageCases: CheckCase[] = [
  ...tagCases,
  azure('team.azurecr.io/app:1', true),
  azure('nginx:1.25', false),
  azure('gcr.io/p/app:1', false),
  gcr('eu.gcr.io/p/app:1', true),
  gcr('quay.io/p/app:1', false),
  publicRegistry('registry.example.com/app:1', true),
  publicRegistry('nginx', false),
  publicRegistry('nginx:latest', false),
  // Upstream looks for a dot in the first segment, so a dotted tag on a Docker Hub short name slips through.
  publicRegistry('nginx:1.25', true),
  publicRegistry('library/nginx:1.25', false),
  publicRegistry('docker.io/library/nginx:1.25', false),
  publicRegistry('ghcr.io/org/app:1', false),
  ecr('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', true),
  ecr('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1', true),
  ecr('nginx:1.25', false),
  trusted('nginx:1.25', true),
  trusted('team.azurecr.io/app:1', true),
  trusted('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1', true),
  trusted('asia.gcr.io/p/app:1', true),
  trusted('library/nginx:1.25', false),
  trusted('docker.io/nginx:1.25', false),
  trusted('ghcr.io/org/app:1', false),
];
