/**
 * The world's outbox (sim/model/world/outbox.ts), the loop's zero-time phase: an effect's answer
 * is never delivered inside the effect, but after the current step, first in first out,
 * including what the deliveries themselves post.
 */
import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../../sim/model/machine/define.ts';
import { BOOT, Outbox, RM, UE } from '../../../sim/model/world/outbox.ts';

const ev = (type: string): MachineEvent => ({ type });

describe('Outbox', () => {
  it('delivers a post at once outside a step, and what a delivery posts after it returns, in order', () => {
    const log: string[] = [];
    const outbox: Outbox = new Outbox((machine, node, event) => {
      log.push(`${machine}:${node}:${event.type}`);
      // A delivery that answers twice: both answers wait until it has returned.
      if (event.type === 'A') {
        outbox.post(BOOT, node, ev('B'));
        outbox.post(RM, node, ev('C'));
        log.push('A returns');
      }
    });
    outbox.post(UE, 3, ev('A'));
    expect(log).toEqual([`${UE}:3:A`, 'A returns', `${BOOT}:3:B`, `${RM}:3:C`]);
  });

  it('holds what a step posts until the step is over, then drains it; flush inside a step delivers nothing', () => {
    const log: string[] = [];
    const outbox = new Outbox((_machine, node, event) => log.push(`${node}:${event.type}`));
    outbox.step(() => {
      outbox.post(UE, 1, ev('X'));
      outbox.post(UE, 2, ev('Y'));
      outbox.flush();
      log.push('step ends');
    });
    expect(log).toEqual(['step ends', '1:X', '2:Y']);
  });

  it('refuses to loop forever: machines that answer each other without end fail an assertion', () => {
    let delivered = 0;
    const outbox: Outbox = new Outbox((machine, node) => {
      delivered++;
      outbox.post(machine, node, ev('again'));
    }, 1_000);
    expect(() => outbox.post(UE, 0, ev('start'))).toThrow(/does not drain/);
    expect(delivered).toBe(1_000);
  });
});
