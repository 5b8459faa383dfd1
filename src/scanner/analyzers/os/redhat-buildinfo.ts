import { isRecord } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import { maxReleaseFileBytes } from './release-text.ts';

/** Build metadata files are small; anything far larger is not one. */
const maxBuildFileBytes = 16 * maxReleaseFileBytes;

/**
 * `root/buildinfo/content_manifests/*.json` in Red Hat images: `content_sets` names the repositories the layer's
 * packages were installed from; detection turns them into the CPEs whose advisories apply.
 */
export const redhatContentManifestAnalyzer: Analyzer = {
  type: 'redhat-content-manifest',
  version: 1,
  required: ({ path }) => /^root\/buildinfo\/content_manifests\/[^/]+\.json$/.test(path),
  analyze({ path, content }) {
    if (content.length > maxBuildFileBytes)
      throw new AnalyzerError('redhat-content-manifest', path, `${content.length} bytes is too large`);
    let document: unknown;
    try {
      document = JSON.parse(content.toString('utf8'));
    } catch (error) {
      throw new AnalyzerError('redhat-content-manifest', path, `invalid JSON: ${(error as Error).message}`);
    }
    const sets = isRecord(document) && Array.isArray(document.content_sets) ? document.content_sets : [];
    const contentSets = sets.filter((set): set is string => typeof set === 'string' && set !== '');
    return contentSets.length > 0 ? { buildInfo: { ContentSets: contentSets } } : undefined;
  },
};

/**
 * `root/buildinfo/Dockerfile-<name>-<version>-<release>`: the image's build recipe; its LABELs give the component,
 * version, release and architecture, i.e. the NVR that the DB maps to CPEs.
 */
export const redhatDockerfileAnalyzer: Analyzer = {
  type: 'redhat-dockerfile',
  version: 1,
  required: ({ path }) => /^root\/buildinfo\/Dockerfile-[^/]+$/.test(path),
  analyze({ path, content }) {
    if (content.length > maxBuildFileBytes)
      throw new AnalyzerError('redhat-dockerfile', path, `${content.length} bytes is too large`);
    const labels = dockerfileLabels(content.toString('utf8'));
    const component = labels.get('com.redhat.component');
    const version = labels.get('version');
    const release = labels.get('release');
    const arch = labels.get('architecture');
    if (!component || !version || !release || !arch) return undefined;
    return { buildInfo: { Nvr: `${component}-${version}-${release}`, Arch: arch } };
  },
};

/** Every `LABEL key=value …` (and the legacy `LABEL key value`) of a Dockerfile; later labels win. */
export function dockerfileLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  const instructions = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of instructions) {
    const match = /^\s*LABEL\s+(.*)$/i.exec(line);
    if (!match?.[1]) continue;
    const words = shellWords(match[1]);
    if (words.length === 0) continue;
    if (!words[0]!.includes('=')) {
      labels.set(words[0]!, words.slice(1).join(' '));
      continue;
    }
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq > 0) labels.set(word.slice(0, eq), word.slice(eq + 1));
    }
  }
  return labels;
}

/** Splits on unquoted white space, removing quotes (`"a b"=c` → `a b=c`). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}
