import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'gomod';

interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
}

/**
 * `go.mod`: the main module (relationship root), every `require` (`// indirect` marks transitive ones) and the
 * `replace` directives: a replacement with a version swaps the module, a local directory removes it. Before Go 1.17
 * go.mod did not list all indirect requirements, so the ones it does list are left out, as Trivy does.
 */
export const goModAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'go.mod'),
  analyze({ path, content }) {
    const { module, goVersion, requires, replaces } = parseGoMod(content.toString('utf8'));
    const skipIndirect = goVersion !== undefined && olderThan117(goVersion);
    const modules = new Map<string, LockedPackage>();
    if (module) modules.set(module, { name: module, version: '', relationship: 'root' });
    for (const requirement of requires) {
      if (skipIndirect && requirement.indirect) continue;
      modules.set(requirement.path, {
        name: requirement.path,
        version: requirement.version,
        relationship: requirement.indirect ? 'indirect' : 'direct',
      });
    }
    for (const replace of replaces) {
      const old = modules.get(replace.oldPath);
      if (!old || (replace.oldVersion && replace.oldVersion !== old.version)) continue;
      modules.delete(replace.oldPath);
      if (!replace.newVersion) continue;
      modules.set(replace.newPath, { ...old, name: replace.newPath, version: replace.newVersion });
    }
    return lockFileApplication(type, path, [...modules.values()]);
  },
};

function olderThan117(version: string): boolean {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major === 1 && minor !== undefined && minor < 17;
}

interface Replace {
  oldPath: string;
  oldVersion?: string;
  newPath: string;
  newVersion?: string;
}

/** Tokens of one go.mod line: words and Go-quoted strings, with `//` comments cut off (kept as `comment`). */
function tokens(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    const char = line[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (line.startsWith('//', i)) {
      return { words, comment: line.slice(i + 2).trim() };
    } else if (char === '"' || char === '`') {
      const end = line.indexOf(char, i + 1);
      const stop = end < 0 ? line.length : end;
      words.push(line.slice(i + 1, stop));
      i = stop + 1;
    } else {
      let end = i;
      while (end < line.length && !/\s/.test(line[end]!) && !line.startsWith('//', end)) end++;
      words.push(line.slice(i, end));
      i = end;
    }
  }
  return { words, comment: '' };
}

export function parseGoMod(text: string) {
  let module: string | undefined;
  let goVersion: string | undefined;
  const requires: Requirement[] = [];
  const replaces: Replace[] = [];
  let block: string | undefined;
  const handle = (verb: string, args: string[], comment: string) => {
    if (verb === 'module' && args[0]) module = args[0];
    else if (verb === 'go' && args[0]) goVersion = args[0];
    else if (verb === 'require' && args[0] && args[1])
      requires.push({ path: args[0], version: args[1], indirect: /^indirect\b/.test(comment) });
    else if (verb === 'replace') {
      const arrow = args.indexOf('=>');
      if (arrow < 1 || !args[arrow + 1]) return;
      replaces.push({
        oldPath: args[0]!,
        ...(arrow === 2 ? { oldVersion: args[1]! } : {}),
        newPath: args[arrow + 1]!,
        ...(args[arrow + 2] ? { newVersion: args[arrow + 2]! } : {}),
      });
    }
  };
  for (const line of text.split(/\r?\n/)) {
    const { words, comment } = tokens(line);
    if (block !== undefined) {
      if (words[0] === ')') block = undefined;
      else if (words.length > 0) handle(block, words, comment);
      continue;
    }
    if (words.length === 0) continue;
    if (words[1] === '(' && words.length === 2) block = words[0];
    else handle(words[0]!, words.slice(1), comment);
  }
  return { module, goVersion, requires, replaces };
}
