import Table from 'cli-table3';
import { paint } from './terminal-style.ts';

/**
 * A cli-table3 table with a bold header when, and only when, the caller asks for colour. cli-table3's own
 * styles go through @colors/colors, which decides by itself from TERM, FORCE_COLOR and whether stdout is a TTY,
 * so the same call would print differently in a terminal, a pipe and CI; its styling is therefore turned off.
 */
export function terminalTable(
  head: readonly string[],
  color: boolean,
  options: Omit<Table.TableConstructorOptions, 'head' | 'style'> = {},
): Table.Table {
  return new Table({
    ...options,
    head: head.map((title) => (color ? paint('bold', title) : title)),
    style: { head: [], border: [] },
  });
}
