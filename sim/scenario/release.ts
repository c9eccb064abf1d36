// A release the update server publishes: a version on a channel, its payload size, and how
// likely it is to fail to boot (per hardware class, for "this build breaks gen1 boards").

import { z } from 'zod';
import { describeFound } from './units.ts';
import { durationMs, fraction, name, sizeBytes, strict } from './fields.ts';

/** Hardware class -> probability; `default` applies to every class not listed. */
export type BootFailureProbability = { default: number } & Record<string, number>;

const bootFailureProbability = () =>
  z.union(
    [
      fraction().transform((p): BootFailureProbability => ({ default: p })),
      z.record(z.string(), fraction()).transform((byClass): BootFailureProbability => ({ default: 0, ...byClass })),
    ],
    { error: (issue) => `expected a probability like 0.01 or a mapping {gen1: 0.5, default: 0}, found ${describeFound(issue.input)}` },
  );

// A typical Flatcar update payload is a few hundred MB.
export const DEFAULT_RELEASE_SIZE = '300MB';

const releaseFields = () => ({
  version: name('version string', ' (quote versions that YAML reads as numbers: "1.0")'),
  channel: name('channel').prefault('stable'),
  size: sizeBytes().prefault(DEFAULT_RELEASE_SIZE),
  bootFailureProbability: bootFailureProbability().prefault(0),
  /**
   * The node boots the release and is marked good after 45 s (so no automatic rollback), but
   * its workloads fail: only health checks and operators see it (an operator `rollback`).
   * Same shape as bootFailureProbability: a probability, or one per hardware class.
   */
  workloadFailureProbability: bootFailureProbability().prefault(0),
});

export const releaseSchema = () =>
  strict({
    ...releaseFields(),
    /** Publication time; default 0 (published at the start). */
    at: durationMs().prefault(0),
  });

/** A release published by an action: the action's own `at` is the publication time. */
export const publishedReleaseSchema = () => strict(releaseFields());

export type Release = z.output<ReturnType<typeof releaseSchema>>;
export type PublishedRelease = z.output<ReturnType<typeof publishedReleaseSchema>>;

/** The probability that `release` fails to boot on hardware of class `hardware` (null = unlabelled). */
export function bootFailureProbabilityFor(release: { bootFailureProbability: BootFailureProbability }, hardware: string | null): number {
  return probabilityFor(release.bootFailureProbability, hardware);
}

/** The probability that `release` breaks the workloads of a node of class `hardware`. */
export function workloadFailureProbabilityFor(release: { workloadFailureProbability: BootFailureProbability }, hardware: string | null): number {
  return probabilityFor(release.workloadFailureProbability, hardware);
}

function probabilityFor(byClass: BootFailureProbability, hardware: string | null): number {
  return hardware !== null && Object.hasOwn(byClass, hardware) ? byClass[hardware] : byClass.default;
}
