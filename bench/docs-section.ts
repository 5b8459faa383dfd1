/**
 * What every benchmark writes into docs/benchmarks.md: its results table, the line that says where and under what
 * load it ran, and its own section between `<!-- <name>:start -->` and `<!-- <name>:end -->`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export const BENCHMARKS_DOC = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');

/** A Markdown table with its columns padded, as Prettier aligns them. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    `| ${widths.map((width, column) => (row[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** Metric / Result / Target / Pass rows, printed as they are added and rendered as one table at the end. */
export class ResultRows {
  readonly #rows: [string, string, string, string][] = [];

  /** `pass` undefined: a row without a target. */
  add(metric: string, result: string, target = '-', pass?: boolean): void {
    this.#rows.push([metric, result, target, pass === undefined ? '-' : pass ? 'yes' : 'NO']);
    console.log(
      `${metric}: ${result}${target === '-' ? '' : ` (target ${target}: ${pass ? 'pass' : 'MISSED'})`}`,
    );
  }

  table(): string {
    return markdownTable(['Metric', 'Result', 'Target', 'Pass'], this.#rows);
  }
}

const loadText = (load: readonly number[]) => load.map((value) => value.toFixed(1)).join(' / ');

/** "Run of <date> on: <machine>. Load average … at start, … at the end (…)." */
export function runDescription(loadAtStart: readonly number[]): string {
  return (
    `Run of ${new Date().toISOString().slice(0, 10)} on: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ` +
    `${cpus().length} vCPU, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}. Load average ` +
    `${loadText(loadAtStart)} at start, ${loadText(loadavg())} at the end (shared machine: wall times are noisy, CPU ` +
    'times and ratios less so).'
  );
}

/**
 * Replaces the section `name` of docs/benchmarks.md with `body` (Prettier-formatted, so the file stays as `npm run
 * lint` wants it), or appends it when the file has none yet.
 */
export async function writeBenchmarkSection(
  name: string,
  body: string,
  docsPath = BENCHMARKS_DOC,
): Promise<void> {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  // Loaded here, not at import: benchmark phases that measure memory import this module too.
  const prettier = await import('prettier');
  const options = { ...(await prettier.resolveConfig(docsPath)), parser: 'markdown' };
  const section = (await prettier.format(`${start}\n\n${body.trim()}\n\n${end}\n`, options)).trimEnd();
  const current = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${section}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(docsPath, next);
  console.log(`results written to ${docsPath}`);
}
