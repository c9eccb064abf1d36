// TOML inputs (Zincati's /etc/zincati/config.d fragments, airlock's config.toml), parsed with
// smol-toml. smol-toml gives values without positions, so a key's line is found in the text:
// the first `key =` line inside its table's section (the header `[a.b]` or `[[a.b]]`), which is
// where TOML requires it to be for the dotted path the parser returned.

import { parse, TomlError } from 'smol-toml';
import { ImportError, type SourceRef } from './fragment.ts';

export interface TomlDoc {
  file: string;
  value: Record<string, unknown>;
  /** The line of `key` in the table `table` (`['updates', 'periodic']`); its occurrence-th array table when repeated. */
  at(table: readonly string[], key?: string, occurrence?: number): SourceRef;
}

export function parseToml(text: string, file: string): TomlDoc {
  let value: Record<string, unknown>;
  try {
    value = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) throw new ImportError({ file, line: error.line }, `not valid TOML: ${error.message.split('\n')[0]}`);
    throw error;
  }
  const lines = text.split('\n');
  return {
    file,
    value,
    at(table, key, occurrence = 0) {
      const header = table.join('.');
      let inside = header === '';
      let seen = -1;
      let headerLine = 1;
      let found = false;
      for (let i = 0; i < lines.length; i++) {
        const trimmed = lines[i].trim();
        const section = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(trimmed);
        if (section !== null) {
          const matches = section[1].replace(/\s*\.\s*/g, '.') === header;
          if (matches) seen++;
          inside = matches && seen === occurrence;
          if (inside) {
            headerLine = i + 1;
            found = true;
          }
          continue;
        }
        if (inside && key !== undefined && new RegExp(`^${key}\\s*=`).test(trimmed)) return { file, line: i + 1 };
      }
      if (found || header === '') return { file, line: headerLine };
      // A table defined only through its sub-tables (`[agent.timing]` defines `agent`).
      const sub = lines.findIndex((l) => new RegExp(`^\\[\\[?\\s*${header.replace(/\./g, '\\.')}\\.`).test(l.trim()));
      return { file, line: sub < 0 ? headerLine : sub + 1 };
    },
  };
}
