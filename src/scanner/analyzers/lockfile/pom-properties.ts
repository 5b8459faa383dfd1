/** `${name}`: a reference Maven replaces when it builds the effective POM. */
const reference = /\$\{([^}\s]+)\}/g;

/** A version or coordinate is short; anything longer is a property bomb (`<a>${b}${b}</a>` nested). */
const maxResolvedLength = 4096;
/** Properties defined through other properties, this many deep at most: deeper chains stay unresolved. */
const maxDepth = 64;

/**
 * Replaces `${name}` references with the properties' values, themselves resolved the same way. A reference that
 * cannot be resolved (undefined, circular, too deep, or expanding past a few kilobytes) is left as written, so the
 * caller can tell which property was missing. Each property is resolved once, so the work is linear in the POM.
 * `env.*` references are never resolved: what a scan reports depends on the scanned files only.
 */
export function propertyResolver(properties: ReadonlyMap<string, string>): (value: string) => string {
  const resolved = new Map<string, string | undefined>();
  const inProgress = new Set<string>();
  const lookup = (name: string): string | undefined => {
    if (resolved.has(name)) return resolved.get(name);
    const raw = properties.get(name);
    if (raw === undefined || inProgress.has(name) || inProgress.size >= maxDepth) return undefined;
    inProgress.add(name);
    const expanded = expand(raw).trim();
    inProgress.delete(name);
    const value = expanded.length <= maxResolvedLength ? expanded : undefined;
    resolved.set(name, value);
    return value;
  };
  // Stops as soon as the result outgrows the bound, so a value of many references never builds a huge string.
  const expand = (value: string): string => {
    if (!value.includes('${')) return value;
    let result = '';
    let copied = 0;
    for (const match of value.matchAll(reference)) {
      result += value.slice(copied, match.index) + (lookup(match[1]!) ?? match[0]);
      copied = match.index + match[0].length;
      if (result.length > maxResolvedLength) return value;
    }
    return result + value.slice(copied);
  };
  return (value) => expand(value).trim();
}

/** The first `${name}` left in a resolved value, if any. */
export function unresolvedReference(value: string): string | undefined {
  return /\$\{([^}\s]+)\}/.exec(value)?.[1];
}
