/** Gatekeeper K8sAllowedRepos constraints whose prefixes allow far more than intended. */
import type { Check } from '../types.ts';
import { arrayAt, kindOf, recordAt } from '../kubernetes-object.ts';
import { aliasesFor, avdReference } from './findings.ts';

/** A prefix that matches whole registries (e.g. `docker.io`, `docker.io/library`), not one repository. */
export function isOpenEndedRepo(repo: string): boolean {
  if (!repo.includes('/') && !repo.includes(':')) return true;
  const segments = repo.split('/');
  return segments[0] === 'docker.io' && segments.length <= 2;
}

export const openEndedAllowedRepos: Check = {
  id: 'KSV-0124',
  aliases: aliasesFor('KSV-0124'),
  title: 'Gatekeeper repo reference is ambiguously open-ended',
  description:
    'K8sAllowedRepos matches image references by prefix, so an entry such as "docker.io" or "gcr.io" admits ' +
    'every image of that registry, including look-alike hosts.',
  severity: 'HIGH',
  remediation: 'List repositories with a full path and a trailing slash, e.g. "registry.example.com/team/".',
  references: avdReference('KSV-0124'),
  kinds: '*',
  evaluate(object) {
    if (object.apiVersion !== 'constraints.gatekeeper.sh/v1beta1' || kindOf(object) !== 'K8sAllowedRepos')
      return [];
    const repos = arrayAt(recordAt(recordAt(object, 'spec'), 'parameters'), 'repos');
    const openEnded = repos.some((repo) => typeof repo === 'string' && isOpenEndedRepo(repo));
    return openEnded ? [{ message: 'open-ended repository reference in prefix match' }] : [];
  },
};
