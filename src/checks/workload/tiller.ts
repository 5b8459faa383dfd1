/** Helm v2's Tiller, which runs with cluster-wide power and no authentication. */
import type { Check } from '../types.ts';
import { containersOf, podTemplateOf, recordAt, stringAt } from '../kubernetes-object.ts';
import type { JsonRecord } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, findings, labelsOf } from './findings.ts';

function looksLikeTiller(metadata: JsonRecord | undefined): boolean {
  const labels = recordAt(metadata, 'labels');
  return (
    (stringAt(metadata, 'name') ?? '').includes('tiller') ||
    stringAt(labels, 'app') === 'helm' ||
    stringAt(labels, 'name') === 'tiller'
  );
}

export const tillerDeployed: Check = {
  id: 'KSV-0102',
  aliases: aliasesFor('KSV-0102', 'KSV102'),
  title: 'Tiller Is Deployed',
  description:
    'Tiller, the server side of Helm v2, holds broad cluster permissions and answers anyone who reaches its port; ' +
    'Helm 3 does without it.',
  severity: 'CRITICAL',
  remediation: 'Remove Tiller and migrate to Helm 3.',
  references: avdReference('KSV-0102'),
  kinds: '*',
  evaluate(object) {
    const labels = labelsOf(object);
    const message = (who: string): string =>
      `container '${who}' of ${labels.kind} '${labels.name}' in '${labels.ns}' namespace shouldn't have tiller deployed`;
    const messages: string[] = [];
    const objectLooksLikeTiller = looksLikeTiller(recordAt(object, 'metadata'));
    for (const ref of containersOf(object)) {
      if (objectLooksLikeTiller || (stringAt(ref.container, 'image') ?? '').includes('tiller')) {
        messages.push(message(ref.name));
      }
    }
    const template = podTemplateOf(object);
    if (template !== undefined && looksLikeTiller(template.metadata)) {
      messages.push(message(stringAt(template.metadata, 'name') ?? labels.name));
    }
    return findings(messages);
  },
};
