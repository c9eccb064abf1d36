// What each format's importer hands back: values for scenario paths, each with the file and line
// it came from, and the settings it found but could not map (never dropped silently: the import
// command lists them on stderr). Pure data; the importers do no I/O.

/** Where a value came from: the file as given on the command line and its 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

export function formatSource(source: SourceRef): string {
  return `${source.file}:${source.line}`;
}

/** One value for one scenario path (`['reboot', 'maxConcurrent']`), with its source. */
export interface ImportedValue {
  path: readonly (string | number)[];
  value: unknown;
  source: SourceRef;
  /** What was read, as written (`--concurrency=3`), for the comment next to the value. */
  from: string;
}

/** A setting found in a file that has no place in a scenario, or was read but not used. */
export interface Unmapped {
  source: SourceRef;
  message: string;
}

/** A fleet group read from a node list (kubectl): its nodes and zones. */
export interface ImportedGroup {
  name: string;
  nodes: number;
  zones: string[];
  source: SourceRef;
}

export interface Fragment {
  /** The kind of file, for messages: "kured DaemonSet manifest", "Zincati config fragment"... */
  kind: string;
  values: ImportedValue[];
  unmapped: Unmapped[];
  /** Fleet groups, when the file lists nodes. */
  groups: ImportedGroup[];
}

export function emptyFragment(kind: string): Fragment {
  return { kind, values: [], unmapped: [], groups: [] };
}

/**
 * A file that cannot be imported at all (a manifest without kured, broken TOML, a value its own
 * tool would refuse): the command exits 2 with this message, located.
 */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(
    readonly source: SourceRef,
    readonly detail: string,
  ) {
    super(`${formatSource(source)}: ${detail}`);
  }
}
