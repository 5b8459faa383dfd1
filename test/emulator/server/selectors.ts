import type { KubeObject } from '../api.ts';
import { badRequest } from './status.ts';

type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type LabelSelector = LabelRequirement[];

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function parseError(detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail}`);
}

function checkKey(key: string): string {
  if (!LABEL_KEY.test(key) || key.length > 317) {
    parseError(`Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`);
  }
  return key;
}

function checkValue(value: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63) {
    parseError(
      `Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`,
    );
  }
  return value;
}

/** Splits on commas that are not inside a `(...)` value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function parseTerm(term: string): LabelRequirement {
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim()), op: 'notexists' };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const values = set[3]!
      .split(',')
      .map((v) => checkValue(v.trim()))
      .filter((v, i, all) => all.indexOf(v) === i);
    return { key: checkKey(set[1]!), op: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
  if (cmp) {
    const key = checkKey(cmp[1]!);
    const raw = cmp[3]!.trim();
    if (cmp[2] === '>' || cmp[2] === '<') {
      const n = Number(raw);
      if (!Number.isInteger(n)) parseError(`for 'gt', 'lt' operators, exactly one numeric value is required`);
      return { key, op: cmp[2] === '>' ? 'gt' : 'lt', value: n };
    }
    return { key, op: cmp[2] === '!=' ? 'neq' : 'eq', value: checkValue(raw) };
  }
  if (/^\S+$/.test(term)) return { key: checkKey(term), op: 'exists' };
  return parseError(`found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
}

export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (!selector) return [];
  return splitTerms(selector).map(parseTerm);
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((req) => {
    const has = Object.hasOwn(l, req.key);
    const value = l[req.key];
    switch (req.op) {
      case 'eq':
        return has && value === req.value;
      case 'neq':
        return !has || value !== req.value;
      case 'in':
        return has && req.values.includes(value!);
      case 'notin':
        return !has || !req.values.includes(value!);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'gt':
        return has && Number(value) > req.value;
      case 'lt':
        return has && Number(value) < req.value;
    }
    return false;
  });
}

/** Turns a structured `LabelSelector` object (matchLabels/matchExpressions) into selector requirements. */
export function labelSelectorFromObject(selector: unknown): LabelSelector {
  const s = (selector ?? {}) as {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
  const reqs: LabelSelector = Object.entries(s.matchLabels ?? {}).map(([key, value]) => ({
    key,
    op: 'eq',
    value,
  }));
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else if (e.operator === 'DoesNotExist') reqs.push({ key: e.key, op: 'notexists' });
  }
  return reqs;
}

export function formatLabelSelector(selector: unknown): string {
  return labelSelectorFromObject(selector)
    .map((r) => {
      switch (r.op) {
        case 'eq':
          return `${r.key}=${r.value}`;
        case 'neq':
          return `${r.key}!=${r.value}`;
        case 'in':
          return `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case 'notexists':
          return `!${r.key}`;
        default:
          return '';
      }
    })
    .join(',');
}

interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

export type FieldSelector = FieldRequirement[];

const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'];

/** Field selectors each built-in resource supports, as registered by the real API server. */
const FIELDS_BY_RESOURCE: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  '/replicationcontrollers': ['status.replicas'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
};

function unescapeField(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Splits on an unescaped separator. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === sep) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

export function parseFieldSelector(
  selector: string | undefined,
  group: string,
  resource: string,
  custom: boolean,
): FieldSelector {
  if (!selector) return [];
  const allowed = [...COMMON_FIELDS, ...(custom ? [] : (FIELDS_BY_RESOURCE[`${group}/${resource}`] ?? []))];
  return splitUnescaped(selector, ',')
    .filter((t) => t.trim() !== '')
    .map((term) => {
      const m = /^([^=!]+)(==|=|!=)(.*)$/s.exec(term);
      if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
      const field = m[1]!.trim();
      if (!allowed.includes(field)) {
        if (custom) {
          throw badRequest(
            `"${field}" is not a known field selector: only ${allowed.map((f) => `"${f}"`).join(', ')}`,
          );
        }
        throw badRequest(`field label not supported: ${field}`);
      }
      return { field, negate: m[2] === '!=', value: unescapeField(m[3]!) };
    });
}

function fieldValue(object: KubeObject, field: string): string {
  if (field === 'source') {
    const source = object.source as { component?: string } | undefined;
    return source?.component ?? '';
  }
  let current: unknown = object;
  for (const part of field.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) {
    return field === 'spec.hostNetwork' || field === 'spec.unschedulable' ? 'false' : '';
  }
  return String(current);
}

export function matchesFields(selector: FieldSelector, object: KubeObject): boolean {
  return selector.every((req) => (fieldValue(object, req.field) === req.value) !== req.negate);
}
