// Output style: Unicode marks and colour on a terminal, plain ASCII otherwise. NO_COLOR
// (https://no-color.org) or a stream that is not a TTY (a CI log, a pipe, a file) gets ASCII, so
// logs stay greppable and byte-identical across machines.

export interface Style {
  readonly fancy: boolean;
  readonly ok: string;
  readonly fail: string;
  green(text: string): string;
  red(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

export const PLAIN_STYLE: Style = { fancy: false, ok: 'ok', fail: 'FAIL', green: plain, red: plain, dim: plain, bold: plain };

export const FANCY_STYLE: Style = {
  fancy: true,
  ok: ansi(32)('✓'),
  fail: ansi(31)('✗'),
  green: ansi(32),
  red: ansi(31),
  dim: ansi(2),
  bold: ansi(1),
};

/** The style for text written to `stream` given the environment. */
export function styleFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): Style {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return stream.isTTY === true && !noColor && env.TERM !== 'dumb' ? FANCY_STYLE : PLAIN_STYLE;
}
