/** A Debian version split the way deb-version(7) defines it: `[epoch:]upstream_version[-debian_revision]`. */
export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const upstreamChars = /^[0-9][A-Za-z0-9.+~:-]*$/;
const revisionChars = /^[A-Za-z0-9.+~]*$/;

/**
 * Returns undefined for a version dpkg itself would reject (non-numeric epoch, empty upstream, upstream not
 * starting with a digit, characters outside the allowed sets); callers skip such packages.
 */
export function parseDebVersion(raw: string): DebVersion | undefined {
  const version = raw.trim();
  let epoch = 0;
  let rest = version;
  const colon = version.indexOf(':');
  if (colon !== -1) {
    const epochText = version.slice(0, colon);
    if (!/^\d{1,9}$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    rest = version.slice(colon + 1);
  }
  let upstream = rest;
  let revision = '';
  const dash = rest.lastIndexOf('-');
  if (dash !== -1) {
    upstream = rest.slice(0, dash);
    revision = rest.slice(dash + 1);
    if (revision === '') return undefined;
  }
  if (!upstreamChars.test(upstream) || !revisionChars.test(revision)) return undefined;
  return { epoch, upstream, revision };
}
