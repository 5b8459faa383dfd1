import { styleText } from 'node:util';

export type TextStyle = Parameters<typeof styleText>[0];

/** Whether a report is printed in colour: on a terminal, not into `--output`, and unless NO_COLOR is set. */
export function colorWanted(output: string | undefined): boolean {
  return output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** The caller decided whether colour applies (`colorWanted`); styleText must not second-guess it. */
export function paint(style: TextStyle, text: string): string {
  return styleText(style, text, { validateStream: false });
}
