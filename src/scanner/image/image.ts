import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ImageConfig } from '../report/model.ts';
import { UserFacingError } from '../../util/errors.ts';

/** One layer as stored: open() streams its bytes (compressed or not) and fails if they are not what was declared. */
export interface LayerBlob {
  /** Compressed blob digest, when the source has one. */
  digest?: string;
  diffId: string;
  size?: number;
  mediaType?: string;
  open(): Promise<Readable>;
}

/** A container image ready to analyze, whatever it came from (registry, OCI layout, docker save archive). */
export interface ContainerImage {
  /** As the user named it: `nginx:1.25`, a tar path. */
  name: string;
  /** Config digest: Trivy's ImageID. */
  id: string;
  config: ImageConfig;
  manifestDigest?: string;
  repoTags: string[];
  repoDigests: string[];
  layers: LayerBlob[];
}

/** What is known about an image once its layers have been read: everything but the streams. */
export type ImageDescription = Omit<ContainerImage, 'layers'> & { layers: Omit<LayerBlob, 'open'>[] };

export class ImageFormatError extends UserFacingError {}

const imageConfigSchema = z.looseObject({
  architecture: z.string().optional(),
  os: z.string().optional(),
  created: z.string().optional(),
  rootfs: z.object({ type: z.string(), diff_ids: z.array(z.string().regex(/^sha(256|512):[a-f0-9]+$/)) }),
  history: z.array(z.looseObject({})).optional(),
  config: z.looseObject({}).nullable().optional(),
});

/** Parses and checks an image config blob; the layer list of the manifest must match its diff_ids one to one. */
export function parseImageConfig(content: Buffer, where: string): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new ImageFormatError(`${where}: the image config is not JSON: ${(error as Error).message}`);
  }
  const parsed = imageConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new ImageFormatError(
      `${where}: not an image config: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      {
        hint: 'the artifact is not a container image (an OCI artifact such as a Helm chart or signature?)',
      },
    );
  }
  const { config, ...rest } = parsed.data;
  return { ...rest, ...(config ? { config } : {}) } as ImageConfig;
}
