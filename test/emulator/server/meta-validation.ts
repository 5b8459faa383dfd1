/**
 * ObjectMeta rules every object passes on a real API server, built-in or custom: label keys and values, annotation
 * keys and the 256 KiB budget of all annotations together (which `kubectl apply` of a large object runs into through
 * its last-applied-configuration annotation). Messages are the apimachinery ones of Kubernetes 1.32.
 */
import type { StatusCause } from './status.ts';

/** apimachinery's TotalAnnotationSizeLimitB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const NAME_PART_FORMAT =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_FORMAT =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE_FORMAT =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** apimachinery's IsQualifiedName: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = parts[0] ?? '';
  const errors: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errors.push('prefix part must be no more than 253 characters');
      if (!DNS_SUBDOMAIN.test(prefix)) errors.push(`prefix part ${SUBDOMAIN_FORMAT}`);
    }
  } else if (parts.length > 2) {
    return [
      `a qualified name ${NAME_PART_FORMAT} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME_PART.test(name)) errors.push(`name part ${NAME_PART_FORMAT}`);
  return errors;
}

function invalid(field: string, value: string, message: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
    field,
  };
}

export function validateLabels(labels: Record<string, unknown> | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, raw] of Object.entries(labels ?? {})) {
    for (const message of qualifiedNameErrors(key)) causes.push(invalid('metadata.labels', key, message));
    const value = typeof raw === 'string' ? raw : String(raw);
    if (value.length > 63)
      causes.push(invalid('metadata.labels', value, 'must be no more than 63 characters'));
    if (!LABEL_VALUE.test(value)) causes.push(invalid('metadata.labels', value, LABEL_VALUE_FORMAT));
  }
  return causes;
}

export function validateAnnotations(annotations: Record<string, unknown> | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    for (const message of qualifiedNameErrors(key.toLowerCase())) {
      causes.push(invalid('metadata.annotations', key, message));
    }
    total += Buffer.byteLength(key) + Buffer.byteLength(typeof value === 'string' ? value : String(value));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
      field: 'metadata.annotations',
    });
  }
  return causes;
}
