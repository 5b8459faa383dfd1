import { AnalyzerError, type Analyzer } from '../types.ts';
import { languagePackage, singleApplication } from './language-package.ts';

const type = 'gemspec';

/**
 * Installed gems' `specifications/*.gemspec`. These are Ruby source written by RubyGems in a fixed shape
 * (`s.name = "rack".freeze`), so a line-based reading is exact enough; evaluating Ruby is neither possible nor wanted.
 */
export const gemspecAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => /(^|\/)specifications\/[^/]+\.gemspec$/.test(path),
  analyze({ path, content }) {
    const text = content.toString('utf8');
    const name = assignment(text, 'name');
    const version = assignment(text, 'version');
    if (!name || !version) throw new AnalyzerError(type, path, 'gemspec without name or version');
    return singleApplication(type, path, [
      languagePackage(type, { name, version, licenses: licenseList(text), filePath: path }),
    ]);
  },
};

const stringLiteral = /["']([^"']*)["']/g;

function assignment(text: string, field: string): string | undefined {
  const match = new RegExp(`^\\s*\\w+\\.${field}\\s*=\\s*(.+)$`, 'm').exec(text);
  if (!match?.[1]) return undefined;
  const literal = /["']([^"']+)["']/.exec(match[1]);
  return literal?.[1];
}

function licenseList(text: string): string[] {
  const match = /^\s*\w+\.licenses?\s*=\s*(.+)$/m.exec(text);
  if (!match?.[1]) return [];
  return [...match[1].matchAll(stringLiteral)]
    .map((literal) => literal[1] ?? '')
    .filter((name) => name !== '');
}
