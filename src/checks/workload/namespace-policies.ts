/** LimitRange and ResourceQuota contents. */
import type { Check } from '../types.ts';
import { arrayAt, hasField, recordAt } from '../kubernetes-object.ts';
import { aliasesFor, avdReference } from './findings.ts';

const LIMIT_FIELDS = ['type', 'max', 'min', 'default', 'defaultRequest'];
const QUOTA_FIELDS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

export const limitRange: Check = {
  id: 'KSV-0039',
  aliases: aliasesFor('KSV-0039', 'KSV039'),
  title: 'limit range usage',
  description:
    'A LimitRange gives containers that declare nothing default requests and limits, and caps what they may ask for.',
  severity: 'LOW',
  remediation: "Give the LimitRange an entry with 'type', 'max', 'min', 'default' and 'defaultRequest'.",
  references: avdReference('KSV-0039'),
  kinds: ['LimitRange'],
  evaluate(object) {
    const complete = arrayAt(recordAt(object, 'spec'), 'limits').some((limit) =>
      LIMIT_FIELDS.every((field) => hasField(limit, field)),
    );
    return complete
      ? []
      : [
          {
            message:
              'A LimitRange policy with a default requests and limits for each container should be configured',
          },
        ];
  },
};

export const resourceQuota: Check = {
  id: 'KSV-0040',
  aliases: aliasesFor('KSV-0040', 'KSV040'),
  title: 'resource quota usage',
  description:
    'A ResourceQuota caps the CPU and memory one namespace can claim, so one team cannot starve the rest.',
  severity: 'LOW',
  remediation: "Set 'requests.cpu', 'requests.memory', 'limits.cpu' and 'limits.memory' in 'spec.hard'.",
  references: avdReference('KSV-0040'),
  kinds: ['ResourceQuota'],
  evaluate(object) {
    const hard = recordAt(recordAt(object, 'spec'), 'hard');
    return QUOTA_FIELDS.every((field) => hasField(hard, field))
      ? []
      : [
          {
            message:
              'A resource quota policy with hard memory and CPU limits should be configured per namespace',
          },
        ];
  },
};

export const namespacePolicyChecks: readonly Check[] = [limitRange, resourceQuota];
