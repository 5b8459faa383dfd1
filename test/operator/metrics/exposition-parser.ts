/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it rejects what Prometheus rejects
 * (bad names, bad escapes, bad floats, duplicate label names) and, stricter than a scrape, duplicate series, a
 * second HELP or TYPE, and a family whose samples are not contiguous.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help?: string;
  type?: string;
  samples: Sample[];
}

export class ExpositionError extends Error {}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
// Go's strconv.ParseFloat, which Prometheus uses: special values in any letter case (prom-client writes `Nan`).
const FLOAT = /^(?:[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)|nan)$/i;
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

function parseFloatStrict(text: string, line: number): number {
  if (!FLOAT.test(text)) throw new ExpositionError(`line ${line}: ${JSON.stringify(text)} is not a float`);
  if (/nan/i.test(text)) return Number.NaN;
  if (/inf/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

function parseLabelValue(line: string, start: number, lineNo: number): { value: string; end: number } {
  if (line[start] !== '"') throw new ExpositionError(`line ${lineNo}: label value must be quoted`);
  let value = '';
  for (let i = start + 1; i < line.length; i++) {
    const char = line[i];
    if (char === '"') return { value, end: i + 1 };
    if (char === '\\') {
      const next = line[++i];
      if (next === '\\') value += '\\';
      else if (next === '"') value += '"';
      else if (next === 'n') value += '\n';
      else throw new ExpositionError(`line ${lineNo}: invalid escape \\${next ?? ''}`);
    } else value += char;
  }
  throw new ExpositionError(`line ${lineNo}: unterminated label value`);
}

function parseSample(line: string, lineNo: number): Sample {
  const nameMatch = METRIC_NAME.exec(line);
  if (!nameMatch) throw new ExpositionError(`line ${lineNo}: no metric name in ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const labelMatch = LABEL_NAME.exec(line.slice(i));
      if (!labelMatch)
        throw new ExpositionError(`line ${lineNo}: bad label name at ${JSON.stringify(line.slice(i))}`);
      const labelName = labelMatch[0];
      if (Object.hasOwn(labels, labelName)) {
        throw new ExpositionError(`line ${lineNo}: duplicate label name ${labelName}`);
      }
      i += labelName.length;
      if (line[i] !== '=') throw new ExpositionError(`line ${lineNo}: expected = after ${labelName}`);
      const { value, end } = parseLabelValue(line, i + 1, lineNo);
      labels[labelName] = value;
      i = end;
      if (line[i] === ',') i++;
      else if (line[i] !== '}')
        throw new ExpositionError(`line ${lineNo}: expected , or } after ${labelName}`);
    }
    i++;
  }
  const rest = line.slice(i);
  if (!rest.startsWith(' ')) throw new ExpositionError(`line ${lineNo}: expected a space before the value`);
  const parts = rest.trim().split(/ +/);
  if (parts.length < 1 || parts.length > 2)
    throw new ExpositionError(`line ${lineNo}: expected value [timestamp]`);
  return { name, labels, value: parseFloatStrict(parts[0] ?? '', lineNo) };
}

const seriesKey = (sample: Sample) =>
  `${sample.name}{${Object.keys(sample.labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(sample.labels[key])}`)
    .join(',')}}`;

/** Parses a whole page; throws ExpositionError on anything invalid. Families in order of appearance. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: Family | undefined;
  const familyOf = (name: string, lineNo: number): Family => {
    let family = families.get(name);
    if (!family) {
      family = { name, samples: [] };
      families.set(name, family);
    } else if (finished.has(name)) {
      throw new ExpositionError(`line ${lineNo}: family ${name} continues after another family`);
    }
    if (current && current !== family) finished.add(current.name);
    current = family;
    return family;
  };
  const lines = text.split('\n');
  if (text !== '' && lines.pop() !== '') throw new ExpositionError('the page must end with a line feed');
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(line);
      if (!match) return; // other comments are allowed
      const [, keyword, name = '', rest = ''] = match;
      const family = familyOf(name, lineNo);
      if (family.samples.length > 0)
        throw new ExpositionError(`line ${lineNo}: ${keyword} after samples of ${name}`);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new ExpositionError(`line ${lineNo}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, '')))
          throw new ExpositionError(`line ${lineNo}: bad HELP escape`);
        family.help = rest.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
      } else {
        if (family.type !== undefined) throw new ExpositionError(`line ${lineNo}: second TYPE for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) {
          throw new ExpositionError(`line ${lineNo}: unknown type ${rest}`);
        }
        family.type = rest;
      }
      return;
    }
    const sample = parseSample(line, lineNo);
    let familyName = sample.name;
    if (current && current.name !== sample.name) {
      const suffixes = SUFFIXES[current.type ?? ''] ?? [];
      if (suffixes.some((suffix) => sample.name === current?.name + suffix)) familyName = current.name;
    }
    const key = seriesKey(sample);
    if (series.has(key)) throw new ExpositionError(`line ${lineNo}: duplicate series ${key}`);
    series.add(key);
    familyOf(familyName, lineNo).samples.push(sample);
  });
  return families;
}
