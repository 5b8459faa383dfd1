import { open } from 'node:fs/promises';
import { isRecord } from '../analyzers/lang/language-package.ts';
import { decodeCycloneDx } from './cyclonedx-decode.ts';
import type { SbomDocument } from './sbom-document.ts';
import { SbomFormatError } from './sbom-error.ts';
import { decodeSpdx } from './spdx-decode.ts';

/** SBOMs are read whole (JSON); anything larger is refused instead of exhausting memory. */
export const maxSbomBytes = 512 * 1024 * 1024;

/** Reads a CycloneDX or SPDX JSON document, telling which one it is from its content. */
export async function readSbom(path: string, maxBytes = maxSbomBytes): Promise<SbomDocument> {
  let text: string;
  try {
    const handle = await open(path);
    try {
      const { size } = await handle.stat();
      if (size > maxBytes)
        throw new SbomFormatError(`${path} is ${size} bytes, more than the ${maxBytes}-byte limit for SBOMs`);
      text = (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof SbomFormatError) throw error;
    throw new SbomFormatError(`cannot read ${path}: ${(error as Error).message}`, {
      hint: 'give the path of a CycloneDX or SPDX JSON file',
    });
  }
  return parseSbom(text, path);
}

export function parseSbom(text: string, where: string): SbomDocument {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('<'))
    throw new SbomFormatError(`${where} is XML; only the JSON forms of CycloneDX and SPDX are read`, {
      hint: 'convert it with the cyclonedx CLI (cyclonedx convert --output-format json)',
    });
  if (trimmed.startsWith('SPDXVersion:'))
    throw new SbomFormatError(`${where} is SPDX tag-value; only SPDX JSON is read`, {
      hint: 'write the SBOM as SPDX JSON (e.g. trivy-ts image --format spdx-json)',
    });
  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch (error) {
    throw new SbomFormatError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (isRecord(document) && document.bomFormat === 'CycloneDX') return decodeCycloneDx(document, where);
  if (isRecord(document) && typeof document.spdxVersion === 'string') {
    if (!/^SPDX-2\.\d+$/.test(document.spdxVersion))
      throw new SbomFormatError(`${where}: ${document.spdxVersion} is not supported; SPDX 2.x JSON is`);
    return decodeSpdx(document, where);
  }
  throw new SbomFormatError(`${where} is neither a CycloneDX BOM nor an SPDX document`, {
    hint: 'a CycloneDX BOM has "bomFormat": "CycloneDX"; an SPDX document has "spdxVersion"',
  });
}
