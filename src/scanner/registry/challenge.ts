/** One `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header value (RFC 9110 §11.6.1). A header may carry several challenges separated
 * by commas; parameters are `name=token` or `name="quoted string"`. Malformed input yields what could be
 * understood, never an exception.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpaces = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z/-]/.test(header[i] ?? '')) i++;
    return header.slice(start, i);
  };

  let current: AuthChallenge | undefined;
  while (i < n) {
    skipSpaces();
    const token = readToken();
    if (token.length === 0) {
      i++; // unexpected character: step over it
      continue;
    }
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
    if (header[i] === '=' && current) {
      i++;
      while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++; // closing quote
      } else {
        // Unquoted: up to the next separator (lenient: URLs with ':' and '/' occur in the wild).
        const start = i;
        while (i < n && header[i] !== ',' && header[i] !== ' ' && header[i] !== '\t') i++;
        value = header.slice(start, i);
      }
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}
