/** `openssl-3.0.7-27.el9.src.rpm` → `{openssl, 3.0.7, 27.el9}`: split at the last `.`, then at the last two `-`. */
export function splitSourceRpm(
  fileName: string,
): { name: string; version: string; release: string } | undefined {
  const base = fileName.endsWith('.rpm') ? fileName.slice(0, -4) : fileName;
  const archDot = base.lastIndexOf('.');
  if (archDot === -1) return undefined;
  const releaseDash = base.lastIndexOf('-', archDot - 1);
  if (releaseDash <= 0) return undefined;
  const versionDash = base.lastIndexOf('-', releaseDash - 1);
  if (versionDash <= 0) return undefined;
  return {
    name: base.slice(0, versionDash),
    version: base.slice(versionDash + 1, releaseDash),
    release: base.slice(releaseDash + 1, archDot),
  };
}
