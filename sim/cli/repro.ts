// The command that reproduces one run. Every failure prints it (TigerBeetle's VOPR rule: a
// failure without its seed is a failure nobody can debug). Pure.

/** Quotes a word for a POSIX shell when it needs it: `a b` -> `'a b'`, `it's` -> `'it'\''s'`. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./:=,@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface ReproOptions {
  /** `--duration` as the user wrote it. */
  duration?: string | undefined;
  /** `path=value` overrides (a sweep combination), each becoming one `--set`. */
  sets?: readonly string[];
}

/** `npx fleetsim run FILE --seed N [--duration D] [--set PATH=VALUE ...]` */
export function reproCommand(file: string, seed: number, options: ReproOptions = {}): string {
  const words = ['npx', 'fleetsim', 'run', shellQuote(file), '--seed', String(seed)];
  if (options.duration !== undefined) words.push('--duration', shellQuote(options.duration));
  for (const set of options.sets ?? []) words.push('--set', shellQuote(set));
  return words.join(' ');
}
