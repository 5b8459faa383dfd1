/** ConfigMaps that hold secrets: secret-looking keys, or `word: value` / `word=value` lines in values. */
import type { Check } from '../types.ts';
import { isRecord, kindOf, recordAt, renderRegoSet } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, labelsOf } from './findings.ts';

const SECRET_WORDS = [
  'password',
  'pass',
  'pword',
  'passphrase',
  'passwrd',
  'passwd',
  'secret',
  'secretkey',
  'appSecret',
  'clientSecret',
  'aws_access_key_id',
  'pswrd',
  'token',
  'pwd',
];

// `pass` is a substring of most other words, but each word is kept so the lists read like upstream's.
const KEY_PATTERN = new RegExp(SECRET_WORDS.join('|'), 'i');
const ASSIGNMENT_PATTERNS = SECRET_WORDS.map((word) => new RegExp(`${word}\\s*(=|:)`, 'i'));
const INTERPOLATION_PREFIXES = ['${', '$(', '{{'];

function isInterpolation(value: string): boolean {
  const unquoted = value.startsWith('"') ? value.slice(1) : value;
  return INTERPOLATION_PREFIXES.some((prefix) => unquoted.startsWith(prefix));
}

/** The names a line assigns a real value to: split on `:` and on `=`, keep the part before when a value follows. */
function assignedNames(line: string): string[] {
  const names: string[] = [];
  for (const delimiter of [':', '=']) {
    const parts = line.split(delimiter);
    const [name, value] = parts;
    if (
      parts.length > 1 &&
      name !== undefined &&
      value !== undefined &&
      value !== '' &&
      !isInterpolation(value)
    ) {
      names.push(name);
    }
  }
  return names;
}

/** Keys and assigned names that look like secrets, as KSV-0109 reports them. */
export function secretNames(data: Record<string, unknown>): Set<string> {
  const found = new Set<string>();
  for (const [key, value] of Object.entries(data)) {
    if (KEY_PATTERN.test(key)) found.add(key);
    if (typeof value !== 'string') continue;
    const matching = ASSIGNMENT_PATTERNS.filter((pattern) => pattern.test(value));
    if (matching.length === 0) continue;
    for (const line of value.split('\n')) {
      if (matching.some((pattern) => pattern.test(line)))
        for (const name of assignedNames(line)) found.add(name);
    }
  }
  return found;
}

export const configMapSecrets: Check = {
  id: 'KSV-0109',
  aliases: aliasesFor('KSV-0109'),
  title: 'ConfigMap with secrets',
  description:
    'ConfigMaps are readable by far more people and tools than Secrets and are never encrypted at rest; ' +
    'passwords and tokens do not belong in them.',
  severity: 'HIGH',
  remediation: 'Move passwords, tokens and keys into a Secret and reference it from the workload.',
  references: avdReference('KSV-0109'),
  kinds: ['ConfigMap'],
  evaluate(object) {
    if (kindOf(object) !== 'ConfigMap') return [];
    const data = recordAt(object, 'data');
    if (!isRecord(data)) return [];
    const names = secretNames(data);
    if (names.size === 0) return [];
    const l = labelsOf(object);
    return [
      {
        message: `${l.Kind} '${l.name}' in '${l.ns}' namespace stores secrets in key(s) or value(s) '${renderRegoSet(names)}'`,
      },
    ];
  },
};
