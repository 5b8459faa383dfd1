/**
 * JSON as Bun and .NET tooling write it: `//` and `/* *\/` comments and trailing commas allowed. Both are removed
 * outside strings, then the text goes to JSON.parse, so every other error is JSON.parse's own.
 */
export function parseJsonWithCommas(text: string): unknown {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const char = text[i]!;
    if (char === '"') {
      const start = i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (char === ',') {
      let j = i + 1;
      while (j < n && /\s/.test(text[j]!)) j++;
      if (text[j] !== '}' && text[j] !== ']') out += char;
      i++;
    } else {
      out += char;
      i++;
    }
  }
  return JSON.parse(out.replace(/^\uFEFF/, '')) as unknown;
}
