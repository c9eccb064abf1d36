// Bounds the command line's help text shows. Kept apart from args.ts, whose parsers import the
// scenario module (zod schemas built at load): `fleetsim --version` and `--help` load only this.

/** `--workers N`: at least 1; capped so a typo (`--workers 1000`) cannot start a thousand threads. */
export const MAX_WORKERS = 64;
