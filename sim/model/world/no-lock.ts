import { fail } from '../../engine/assert.ts';
import type { LockCallback, RebootLock } from '../etcd/locks/types.ts';

/**
 * The reboot lock of a run whose strategy takes none (sim/agents/registry.ts: `reboot`, `off`):
 * no holder ever, and an operator's unlock finds nothing to remove. An agent that asks it for a
 * slot is a bug of the registry or of the agent, and fails loudly.
 */
export class NoLock implements RebootLock {
  readonly kind = 'locksmith' as const;

  constructor(
    readonly max: number,
    private readonly strategy: string,
  ) {}

  acquire(nodeId: number): void {
    this.misuse(`node ${nodeId} asked for a reboot lock`);
  }

  release(nodeId: number): void {
    this.misuse(`node ${nodeId} released a reboot lock`);
  }

  maxOf(): number {
    return this.max;
  }

  maxHolders(): number {
    return 0;
  }

  holders(): readonly number[] {
    return [];
  }

  unlock(_group: string, _nodeId?: number, callback?: LockCallback): void {
    callback?.({ ok: true, outcome: 'released', holders: 0 });
  }

  waitForSlot(): () => void {
    return this.misuse('a node waits for a reboot-lock slot');
  }

  recordSkippedPolls(): void {
    this.misuse('a node skipped reboot-lock polls');
  }

  private misuse(what: string): never {
    fail(`${what}, but reboot.strategy ${this.strategy} takes no lock`);
  }
}
