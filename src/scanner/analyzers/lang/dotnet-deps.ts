import { AnalyzerError, type Analyzer } from '../types.ts';
import type { Package } from '../../inventory.ts';
import { isRecord, languagePackage, parseJson, singleApplication } from './language-package.ts';

const type = 'dotnet-core';

/** `*.deps.json` of a published .NET application: its `libraries` of type `package` are NuGet packages. */
export const dotnetDepsAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => path.endsWith('.deps.json'),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document) || !isRecord(document.libraries)) {
      throw new AnalyzerError(type, path, 'no "libraries" object');
    }
    const packages: Package[] = [];
    for (const [key, library] of Object.entries(document.libraries)) {
      if (!isRecord(library) || library.type !== 'package') continue;
      const slash = key.lastIndexOf('/');
      if (slash <= 0 || slash === key.length - 1) continue;
      packages.push(languagePackage(type, { name: key.slice(0, slash), version: key.slice(slash + 1) }));
    }
    return singleApplication(type, path, packages);
  },
};
