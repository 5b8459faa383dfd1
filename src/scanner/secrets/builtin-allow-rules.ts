import { NativePattern } from './pattern.ts';
import type { AllowRule } from './types.ts';

/**
 * Trivy's global allow rules: paths never worth scanning in images (tests, examples, vendored code, system and
 * language runtime dirs) and matched text containing "example". IDs as upstream, so `disable-allow-rules` works.
 */
const specs: { id: string; description: string; path: string; regex?: string }[] = [
  { id: 'dist-info', description: 'Python package metadata', path: '\\.dist-info/' },
  // Upstream writes `(^(?i)test|/test|...)`; in RE2 the flag runs to the end of the group, so all are case-blind.
  { id: 'tests', description: 'Avoid test files and paths', path: '(?:^test|/test|-test|_test|\\.test)' },
  { id: 'examples', description: 'Avoid example files and paths', path: 'example', regex: 'example' },
  { id: 'vendor', description: 'Vendor dirs', path: '/vendor/' },
  { id: 'usr-dirs', description: 'System dirs', path: '^usr/(?:share|include|lib)/' },
  { id: 'locale-dir', description: 'Locales directory contains locales file', path: '/locales?/' },
  { id: 'markdown', description: 'Markdown files', path: '\\.md$' },
  { id: 'node.js', description: 'Node container images', path: '^opt/yarn-v[0-9.]+/' },
  { id: 'golang', description: 'Go container images', path: '^usr/local/go/' },
  { id: 'python', description: 'Python container images', path: '^usr/local/lib/python[0-9.]+/' },
  { id: 'rubygems', description: 'Ruby container images', path: '^usr/lib/gems/' },
  { id: 'wordpress', description: 'Wordpress container images', path: '^usr/src/wordpress/' },
  { id: 'anaconda-log', description: 'Anaconda CI Logs in container images', path: '^var/log/anaconda/' },
];

export const builtinAllowRules: readonly AllowRule[] = Object.freeze(
  specs.map((s): AllowRule => {
    const rule: AllowRule = {
      id: s.id,
      description: s.description,
      path: new NativePattern(s.path, s.id === 'tests' ? 'i' : ''),
    };
    if (s.regex !== undefined) rule.regex = new NativePattern(s.regex, 'i');
    return rule;
  }),
);
