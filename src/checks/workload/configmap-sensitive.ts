/** ConfigMaps that hold personal or identifying data (user names, e-mail addresses, keys, IBANs, hashes). */
import type { Check } from '../types.ts';
import { isRecord, kindOf, recordAt, renderRegoSet } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, labelsOf } from './findings.ts';

// Only ever used to test for a match, so one local-part character is as good as many; leaving out the `+` keeps the
// search linear on megabyte-sized values (a backtracking engine would go quadratic on long runs without an `@`).
const EMAIL = String.raw`[A-Za-z0-9_.-]@(?:\[\d{1,3}\.\d{1,3}\.\d{1,3}\.|(?:[A-Za-z0-9-]+\.)+)(?:[A-Za-z]{2,4}|\d{1,3})`;
const IBAN_LIKE = String.raw`[^.]\b[A-Z]{2}\d{2} ?\d{4} ?\d{4} ?\d{4} ?\d{4} ?\d{0,2}\b`;

const VALUE_PATTERNS = [
  /username\s*(=|:)/i,
  /email\s*(=|:)/i,
  new RegExp(EMAIL),
  /key\s*(=|:)/i,
  /phone\s*(=|:)/i,
  new RegExp(IBAN_LIKE),
  /SHA1/i,
  /MD5/i,
  /iban\s*(=|:)/i,
];

const KEY_PATTERNS = [
  /username/i,
  /email/i,
  new RegExp(EMAIL),
  /key/i,
  /phone/i,
  new RegExp(IBAN_LIKE),
  /SHA1/i,
  /MD5/i,
  /iban/i,
];

// Upstream tests the v-th `:`-separated piece of the v-th line against these; reproduced as is (see docs/checks.md).
const PIECE_PATTERNS = [
  new RegExp(EMAIL),
  /([A-Z]{2}[ -]?[0-9]{2}[ -]?([A-Z0-9]{3,5}[ -]?){2,7}[A-Z0-9]{1,3})/,
  /^[A-Z0-9<]{3,20}$/,
];

/** Text before the first `:` (else before the first `=`); undefined when the line has neither. */
function nameBeforeDelimiter(line: string): string | undefined {
  for (const delimiter of [':', '=']) {
    const index = line.indexOf(delimiter);
    if (index >= 0) return line.slice(0, index);
  }
  return undefined;
}

/** Keys and assigned names that look sensitive, as KSV-01010 reports them. */
export function sensitiveNames(data: Record<string, unknown>): Set<string> {
  const found = new Set<string>();
  for (const [key, value] of Object.entries(data)) {
    if (KEY_PATTERNS.some((pattern) => pattern.test(key))) found.add(key);
    if (typeof value !== 'string') continue;
    const lines = value.split('\n');
    const matching = VALUE_PATTERNS.filter((pattern) => pattern.test(value));
    lines.forEach((line, index) => {
      if (matching.some((pattern) => pattern.test(line))) {
        const name = nameBeforeDelimiter(line);
        if (name !== undefined) found.add(name);
      }
      const piece = line.split(':')[index];
      if (piece !== undefined && PIECE_PATTERNS.some((pattern) => pattern.test(piece))) found.add(key);
    });
  }
  return found;
}

export const configMapSensitive: Check = {
  id: 'KSV-01010',
  aliases: aliasesFor('KSV-01010'),
  title: 'ConfigMap with sensitive content',
  description:
    'User names, e-mail addresses, phone numbers, bank details and keys in a ConfigMap are visible to everyone ' +
    'who can read ConfigMaps in the namespace.',
  severity: 'MEDIUM',
  remediation: 'Move sensitive values into a Secret, or out of the cluster configuration.',
  references: avdReference('KSV-01010'),
  kinds: ['ConfigMap'],
  evaluate(object) {
    if (kindOf(object) !== 'ConfigMap') return [];
    const data = recordAt(object, 'data');
    if (!isRecord(data)) return [];
    const names = sensitiveNames(data);
    if (names.size === 0) return [];
    const l = labelsOf(object);
    return [
      {
        message:
          `${l.Kind} '${l.name}' in '${l.ns}' namespace stores sensitive contents in key(s) or value(s) ` +
          `'${renderRegoSet(names)}'`,
      },
    ];
  },
};
