import type { SecretRule } from '../../../src/scanner/secrets/types.ts';
import { ruleCases } from './rule-cases.ts';

/** Length of each adversarial line: well above a scan chunk (64 KiB), so a chunk is one pathological line. */
export const adversarialLength = 100 * 1024;

const fillers = [
  'a',
  'A',
  '0',
  'f',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '=',
  ':',
  '"',
  "'",
  '-',
  '_',
  '.',
  '/',
  '+',
  '|',
  'ey',
  'eyJ',
  'a.',
  'aa-',
  '8Q~',
  'T3BlbkFJ',
  '-----',
  '= "',
  'AAAAAAAAAA',
  'JQQJ99',
  '&a=b',
];

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/**
 * Inputs built to make a backtracking engine try many ways per position: the rule's keywords and its positive
 * example's opening followed by long runs of characters its classes accept (and never the terminator), keyword
 * soup, and the near-complete secret repeated.
 */
export function adversarialInputs(rule: SecretRule): { name: string; text: string }[] {
  const inputs: { name: string; text: string }[] = [];
  const literals = rule.keywords.length > 0 ? rule.keywords : (rule.prefilter ?? []);
  const example = ruleCases.find((c) => c.id === rule.id);
  const openings = [...literals];
  if (example !== undefined) {
    const at = example.content.indexOf(example.secret);
    openings.push(example.content.slice(0, at + Math.min(4, example.secret.length)));
    openings.push(example.content.slice(0, at));
  }
  for (const opening of new Set(openings.filter((o) => o.length > 0))) {
    for (const filler of fillers) {
      inputs.push({
        name: `${JSON.stringify(opening)} + ${JSON.stringify(filler)}*`,
        text: opening + repeatTo(filler, adversarialLength - opening.length),
      });
    }
    inputs.push({ name: `(${JSON.stringify(opening)})*`, text: repeatTo(opening, adversarialLength) });
    inputs.push({
      name: `(${JSON.stringify(opening)} + " ")*`,
      text: repeatTo(`${opening} `, adversarialLength),
    });
    inputs.push({
      name: `(${JSON.stringify(opening)} + "=")*`,
      text: repeatTo(`${opening}=`, adversarialLength),
    });
  }
  if (example !== undefined) {
    const nearMiss = example.content.slice(0, -1);
    inputs.push({ name: 'near miss repeated', text: repeatTo(`${nearMiss}`, adversarialLength) });
    inputs.push({ name: 'positive repeated', text: repeatTo(`${example.content}\n`, adversarialLength) });
  }
  return inputs;
}
