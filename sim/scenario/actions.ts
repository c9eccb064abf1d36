// Operator actions on the timeline (what a human does in the middle of a rollout): pause or
// resume a group, free stuck reboot-lock slots, change a policy, publish a release, roll nodes
// back to their other partition.

import { z } from 'zod';
import { discriminatorMessage, durationMs, name, strict } from './fields.ts';
import { policyPatchSchema } from './policy.ts';
import { nodeTarget } from './faults.ts';
import { publishedReleaseSchema } from './release.ts';

const base = { at: durationMs() };

export const ACTION_KINDS = ['pause-rollout', 'resume-rollout', 'unlock', 'set-policy', 'publish-release', 'rollback'] as const;

export const actionSchema = () =>
  z.discriminatedUnion(
    'do',
    [
      strict({ ...base, do: z.literal('pause-rollout'), group: name('group name') }),
      strict({ ...base, do: z.literal('resume-rollout'), group: name('group name') }),
      // Without a group, every held slot of every semaphore is freed.
      strict({ ...base, do: z.literal('unlock'), group: name('group name').nullable().prefault(null) }),
      // `group: default` changes policy.default, which every group without its own value follows.
      strict({ ...base, do: z.literal('set-policy'), group: name('group name'), policy: policyPatchSchema() }),
      strict({ ...base, do: z.literal('publish-release'), release: publishedReleaseSchema() }),
      // Flatcar's manual rollback: `cgpt prioritize` the other USR partition, then reboot.
      strict({ ...base, do: z.literal('rollback'), target: nodeTarget() }),
    ],
    { error: (issue) => discriminatorMessage('do', ACTION_KINDS, issue.input) },
  );

export type Action = z.output<ReturnType<typeof actionSchema>>;
