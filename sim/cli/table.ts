// Plain-text tables for terminals and CI logs: columns padded to their widest cell, numbers
// right-aligned. Pure: returns the text.

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per column; default left. */
  align?: readonly Align[];
  /** Text between columns. */
  gap?: string;
}

/** Display width: code points, ignoring ANSI colour codes (so coloured cells still line up). */
export function displayWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Renders a header row, a rule and the rows; every row must have the header's column count. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const gap = options.gap ?? '  ';
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`renderTable: a row has ${row.length} cells, the header ${header.length}`);
  }
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - displayWidth(cell));
        return options.align?.[i] === 'right' ? pad + cell : i === cells.length - 1 ? cell : cell + pad;
      })
      .join(gap)
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join(gap);
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}
