import { isRecord, parseJson, stringField } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'conan';

/**
 * `conan.lock`: Conan 2 lists references (`zlib/1.3.1#rev%timestamp`) under `requires` / `build_requires`;
 * Conan 1 keeps a `graph_lock` of nodes whose `ref` is `name/version@user/channel#rev` and whose `requires` are
 * node IDs.
 */
export const conanLockAnalyzer: Analyzer = {
  type: 'conan-lock',
  version: 1,
  required: ({ path }) => hasBaseName(path, 'conan.lock'),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a JSON object');
    const locked: LockedPackage[] = [];
    if (isRecord(document.graph_lock) && isRecord(document.graph_lock.nodes)) {
      const nodes = document.graph_lock.nodes;
      const idOf = (key: string) => {
        const node = nodes[key];
        const ref = isRecord(node) ? parseReference(stringField(node, 'ref') ?? '') : undefined;
        return ref ? `${ref.name}@${ref.version}` : undefined;
      };
      const rootRequires =
        isRecord(nodes['0']) && Array.isArray(nodes['0'].requires) ? nodes['0'].requires : [];
      for (const [key, node] of Object.entries(nodes)) {
        if (!isRecord(node)) continue;
        const ref = parseReference(stringField(node, 'ref') ?? '');
        if (!ref) continue;
        const requires = Array.isArray(node.requires) ? node.requires.map(String) : [];
        locked.push({
          ...ref,
          relationship: rootRequires.map(String).includes(key) ? 'direct' : 'indirect',
          dependsOn: requires.map(idOf).filter((id): id is string => id !== undefined),
        });
      }
    } else {
      for (const [section, dev] of [
        ['requires', false],
        ['build_requires', true],
        ['python_requires', true],
      ] as const) {
        const list = document[section];
        if (!Array.isArray(list)) continue;
        for (const reference of list) {
          const ref = typeof reference === 'string' ? parseReference(reference) : undefined;
          if (ref) locked.push({ ...ref, dev });
        }
      }
    }
    return lockFileApplication(type, path, locked);
  },
};

/** `name/version[@user/channel][#revision][%timestamp]` → name and version. */
function parseReference(reference: string): { name: string; version: string } | undefined {
  const match = /^([^/@#%\s]+)\/([^@#%\s]+)/.exec(reference);
  return match?.[1] && match[2] ? { name: match[1], version: match[2] } : undefined;
}
