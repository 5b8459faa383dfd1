/**
 * apimachinery's field errors as the API server renders them into Status causes: the field path (`a.b[key][0]`),
 * the cause type and the message body (`Invalid value: "x": detail`), with bad values printed the way Go's fmt
 * prints them (`%q` for strings, `%#v` for maps, slices and structs).
 */
import type { StatusCause } from './status.ts';

/** A field path: `child` joins with dots, `key` and `index` append `[key]` and `[i]`. */
export class FieldPath {
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  child(...names: string[]): FieldPath {
    return new FieldPath([this.#text, ...names].filter((n) => n !== '').join('.'));
  }

  key(key: string): FieldPath {
    return new FieldPath(`${this.#text}[${key}]`);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.#text}[${i}]`);
  }

  toString(): string {
    return this.#text;
  }
}

function cause(reason: string, path: FieldPath, body: string): StatusCause {
  return { reason, message: body, field: String(path) };
}

function withDetail(head: string, detail: string): string {
  return detail === '' ? head : `${head}: ${detail}`;
}

export function required(path: FieldPath, detail = ''): StatusCause {
  return cause('FieldValueRequired', path, withDetail('Required value', detail));
}

export function forbidden(path: FieldPath, detail: string): StatusCause {
  return cause('FieldValueForbidden', path, withDetail('Forbidden', detail));
}

/** `value` is already rendered (see `goValue`). */
export function invalid(path: FieldPath, value: string, detail: string): StatusCause {
  return cause('FieldValueInvalid', path, withDetail(`Invalid value: ${value}`, detail));
}

export function notSupported(path: FieldPath, value: string, supported: string[]): StatusCause {
  const detail = supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return cause('FieldValueNotSupported', path, withDetail(`Unsupported value: ${value}`, detail));
}

export function tooMany(path: FieldPath, actual: number, max: number): StatusCause {
  return cause('FieldValueTooMany', path, `Too many: ${actual}: must have at most ${max} items`);
}

/** Go's strconv.Quote, close enough for the printable text these messages carry. */
export function goQuote(text: string): string {
  return JSON.stringify(text)
    .replace(/\\u0007/g, '\\a')
    .replace(/\\u000b/g, '\\v')
    .replace(/\\u00([0-1][0-9a-f])/g, '\\x$1')
    .replace(/\u007f/g, '\\x7f');
}

/** A float64 or int64 as Go's %v prints it (`1e+21`, `1e-07`). */
function goNumber(n: number): string {
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** A decoded JSON value inside an `interface{}`, as Go's %#v prints it. */
function goSyntax(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `map[string]interface {}{${entries.map(([k, v]) => `${goQuote(k)}:${goSyntax(v)}`).join(', ')}}`;
}

/** A bad value as field.Error prints it: simple values plainly, strings quoted, the rest as %#v. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return goSyntax(value);
}

/** A `[]string` as %#v prints it. */
export function goStrings(values: string[] | undefined): string {
  return values === undefined ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;
}

/** `[a b c]`: a `[]string` as %v prints it. */
export function goList(values: string[]): string {
  return `[${values.join(' ')}]`;
}

let fakeAddress = 0;

/** %#v of a non-nil pointer: the address differs from run to run on a real server too. */
export function goPointer(type: string): string {
  fakeAddress = (fakeAddress + 1) % 0x10000;
  return `(*${type})(0xc000${(0x100000 + fakeAddress * 0x40).toString(16)})`;
}

/** Ordered like Go's sort.Slice over field.Error.Error() (`field: body`), which the structural checks use. */
export function sortCauses(causes: StatusCause[]): StatusCause[] {
  const text = (c: StatusCause) => `${c.field}: ${c.message}`;
  return [...causes].sort((a, b) => {
    const x = Buffer.from(text(a));
    const y = Buffer.from(text(b));
    return Buffer.compare(x, y);
  });
}

/** apimachinery's IsDNS1035Label messages. */
export function dns1035LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    errors.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errors;
}

/** apimachinery's IsDNS1123Label messages. */
export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    errors.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errors;
}

/** apimachinery's IsDNS1123Subdomain messages. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push('must be no more than 253 characters');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    errors.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errors;
}
