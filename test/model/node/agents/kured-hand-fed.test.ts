import { describe, expect, it } from 'vitest';
import { KURED_EFFECTS, KURED_STATE, createKuredMachine, type KuredContext } from '../../../../sim/model/node/agents/kured.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS, SECOND_MS } from '../harness.ts';

// Hand-fed kured (kubereboot/kured cmd/kured/main.go rebootAsRequired): the startup loop's lock
// release, the answers that arrive while the node is down, the events heard while a timer runs,
// and the drain that fails. Every draw is u = 0, so delaytick's first tick (pkg/delaytick New,
// uniform in [d/2, 3d/2)) is d/2: the startup tick at 30 s, the main loop's at period/2 = 30 min
// (--period 60 m, kured's default).

const STARTUP_TICK_MS = 30 * SECOND_MS; // 60 s / 2
const FIRST_PERIOD_TICK_MS = 30 * MINUTE_MS; // 60 min / 2
/** Booted at 0, no lock held: startup tick at 30 s, then the main loop's first tick 30 min later. */
const T = STARTUP_TICK_MS + FIRST_PERIOD_TICK_MS; // 1_830_000

const REBOOT_NEEDED = { type: 'REBOOT_NEEDED', windowWaitMs: 0, tickWaitMs: 0 } as const;

/** A kured of `config` (not booted yet) whose draws are all u = 0 and whose gates are all open. */
function kured(config: Partial<KuredContext> = {}): MachineHarness {
  return new MachineHarness(createKuredMachine(config), KURED_EFFECTS)
    .on('drawUniform', (_r, w) => w.sendAfter(0, { type: 'UNIFORM', u: 0 }))
    .on('checkGates', (_r, w) => w.sendAfter(0, { type: 'GATES', windowWaitMs: 0, blocked: 0 }));
}

/** Answers each call of `effect` with the next event of `answers` (the last one repeats). */
function answerInTurn(h: MachineHarness, effect: string, answers: readonly string[]): MachineHarness {
  let calls = 0;
  return h.on(effect, (_r, w) => w.sendAfter(0, { type: answers[Math.min(calls++, answers.length - 1)] }));
}

const times = (h: MachineHarness, effect: string) => h.named(effect).map((e) => e.time);

describe('kured startup loop (rebootAsRequired, the 1-minute delaytick before the main loop)', () => {
  it('a lock granted while the node was down makes it a holder: after booting it releases that lock and then starts its main loop', () => {
    const h = answerInTurn(kured({ lockReleaseDelayMs: 2 * MINUTE_MS }), 'releaseLock', ['LOCK_RELEASED']);
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.context.holdsLock).toBe(1);
    h.send({ type: 'BOOTED' });
    h.runUntil(3 * HOUR_MS);
    // Startup tick 30 s, --lock-release-delay 2 min: release at 150 s.
    expect(times(h, 'releaseLock')).toEqual([150_000]);
    expect(h.context.holdsLock).toBe(0);
    // Released: the main loop draws and ticks 30 min later (150 s + 1_800 s), then hourly.
    expect(times(h, 'checkGates').slice(0, 2)).toEqual([150_000 + 1_800_000, 150_000 + 1_800_000 + HOUR_MS]);
  });

  it('a lock release answered while the node was down clears the holder: the booted node has nothing to release', () => {
    const h = kured({ holdsLock: 1 });
    h.send({ type: 'LOCK_RELEASED' });
    expect(h.context.holdsLock).toBe(0);
    h.send({ type: 'BOOTED' });
    h.runUntil(HOUR_MS);
    expect(h.named('releaseLock')).toEqual([]);
    expect(times(h, 'checkGates')).toEqual([T]);
  });

  it('a release that fails at startup ("Error releasing lock, will retry") is tried again at the next 1-minute tick, after the release delay again', () => {
    const h = answerInTurn(kured({ holdsLock: 1, lockReleaseDelayMs: 10 * SECOND_MS }), 'releaseLock', ['RELEASE_FAILED', 'LOCK_RELEASED']);
    h.send({ type: 'BOOTED' });
    h.runUntil(HOUR_MS);
    // 30 s + 10 s = 40 s: fails; the next tick a full minute later, + 10 s delay = 110 s.
    expect(times(h, 'releaseLock')).toEqual([40_000, 110_000]);
    expect(h.context.holdsLock).toBe(0);
    // Then the main loop: 110 s + 30 min.
    expect(times(h, 'checkGates')).toEqual([110_000 + FIRST_PERIOD_TICK_MS]);
  });

  it('the sentinel appearing during the startup tick wait is remembered, and the first main tick asks for the lock', () => {
    const h = kured();
    h.send({ type: 'BOOTED' });
    h.runUntil(10 * SECOND_MS); // inside the 30 s startup wait
    h.send(REBOOT_NEEDED);
    expect(h.context.sentinel).toBe(1);
    h.runUntil(HOUR_MS);
    expect(times(h, 'acquireLock')).toEqual([T]);
  });

  it('a node stopped during the startup tick wait stays stopped: no tick, no release', () => {
    const h = kured({ holdsLock: 1 });
    h.send({ type: 'BOOTED' });
    h.runUntil(10 * SECOND_MS);
    h.send({ type: 'STOP' });
    h.runUntil(2 * HOUR_MS);
    expect(h.state).toBe(KURED_STATE.STOPPED);
    expect(h.names()).toEqual(['drawUniform']);
  });

  it('during --lock-release-delay the sentinel is remembered, and a STOP cancels the release', () => {
    const h = kured({ holdsLock: 1, lockReleaseDelayMs: 5 * MINUTE_MS });
    h.send({ type: 'BOOTED' });
    h.runUntil(STARTUP_TICK_MS + MINUTE_MS); // release delay runs from 30 s to 330 s
    h.send(REBOOT_NEEDED);
    expect(h.context.sentinel).toBe(1);
    h.send({ type: 'STOP' });
    h.runUntil(HOUR_MS);
    expect(h.state).toBe(KURED_STATE.STOPPED);
    expect(h.named('releaseLock')).toEqual([]);
    expect(h.context.holdsLock).toBe(1);
  });
});

describe('kured main loop (rebootAsRequired, the --period delaytick)', () => {
  it('a tick that finds no sentinel arms the next one a full period later, even after a half-period first tick', () => {
    const h = kured();
    h.send({ type: 'BOOTED' });
    h.runUntil(3 * HOUR_MS);
    // 1_830 s, then + 3_600 s each: 5_430 s, 9_030 s (all before 10_800 s).
    expect(times(h, 'checkGates')).toEqual([T, T + HOUR_MS, T + 2 * HOUR_MS]);
  });

  it('a sentinel that appears while the loop sleeps is seen at the next tick, which asks for the lock', () => {
    const h = kured();
    h.send({ type: 'BOOTED' });
    h.runUntil(HOUR_MS); // sleeping between the ticks at 1_830 s and 5_430 s
    h.send(REBOOT_NEEDED);
    expect(h.context.sentinel).toBe(1);
    h.runUntil(2 * HOUR_MS);
    expect(times(h, 'acquireLock')).toEqual([T + HOUR_MS]);
  });

  it('a node stopped while the loop sleeps ticks no more', () => {
    const h = kured();
    h.send({ type: 'BOOTED' });
    h.runUntil(HOUR_MS);
    h.send({ type: 'STOP' });
    h.runUntil(5 * HOUR_MS);
    expect(h.state).toBe(KURED_STATE.STOPPED);
    expect(times(h, 'checkGates')).toEqual([T]);
  });
});

describe('kured drain, --reboot-delay and the failed drain (cmd/kured/main.go rebootAsRequired)', () => {
  const DRAIN_TIMEOUT_MS = 20 * MINUTE_MS;

  /** Sentinel set at boot, lock granted at once, drains answered in turn (DRAINED at once or timed out at --drain-timeout). */
  function draining(config: Partial<KuredContext>, drains: readonly ('DRAINED' | 'DRAIN_TIMED_OUT')[], releases: readonly string[]): MachineHarness {
    let calls = 0;
    const h = answerInTurn(kured(config), 'releaseLock', releases)
      .on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_GRANTED' }))
      .on('startDrain', (_r, w) => {
        const answer = drains[Math.min(calls++, drains.length - 1)];
        w.sendAfter(answer === 'DRAINED' ? 0 : DRAIN_TIMEOUT_MS, { type: answer });
      });
    h.send({ type: 'BOOTED' });
    h.send(REBOOT_NEEDED);
    return h;
  }

  it('a timed-out drain whose release fails keeps the lock: the next tick drains again without asking for the lock (lock.Holding)', () => {
    const h = draining({ drainTimeoutMs: DRAIN_TIMEOUT_MS }, ['DRAIN_TIMED_OUT', 'DRAINED'], ['RELEASE_FAILED']);
    h.runUntil(3 * HOUR_MS);
    // Drain from T, times out 20 min later, release fails then; next tick one period after that.
    const retry = T + DRAIN_TIMEOUT_MS + HOUR_MS;
    expect(times(h, 'acquireLock')).toEqual([T]);
    expect(times(h, 'releaseLock')).toEqual([T + DRAIN_TIMEOUT_MS]);
    expect(times(h, 'startDrain')).toEqual([T, retry]);
    expect(times(h, 'reboot')).toEqual([retry]);
  });

  it('a timed-out drain whose release succeeds gives the lock up, and asks for it again one period after the release', () => {
    const h = draining({ drainTimeoutMs: DRAIN_TIMEOUT_MS }, ['DRAIN_TIMED_OUT', 'DRAINED'], ['LOCK_RELEASED']);
    h.runUntil(T + DRAIN_TIMEOUT_MS);
    expect(h.context.holdsLock).toBe(0);
    h.runUntil(3 * HOUR_MS);
    const retry = T + DRAIN_TIMEOUT_MS + HOUR_MS;
    expect(times(h, 'acquireLock')).toEqual([T, retry]);
    expect(times(h, 'reboot')).toEqual([retry]);
    expect(h.context.holdsLock).toBe(1);
  });

  it('a node stopped during --lock-release-delay after a failed drain does not release (the lock stays held)', () => {
    const h = draining({ drainTimeoutMs: DRAIN_TIMEOUT_MS, lockReleaseDelayMs: 10 * MINUTE_MS }, ['DRAIN_TIMED_OUT'], ['LOCK_RELEASED']);
    h.runUntil(T + DRAIN_TIMEOUT_MS + 5 * MINUTE_MS); // halfway through the release delay
    h.send({ type: 'STOP' });
    h.runUntil(3 * HOUR_MS);
    expect(h.state).toBe(KURED_STATE.STOPPED);
    expect(h.named('releaseLock')).toEqual([]);
    expect(h.context.holdsLock).toBe(1);
  });

  it('a node stopped during --reboot-delay never reboots', () => {
    const h = draining({ rebootDelayMs: 10 * MINUTE_MS }, ['DRAINED'], ['LOCK_RELEASED']);
    h.runUntil(T + 5 * MINUTE_MS); // drained at T, reboot due at T + 10 min
    expect(h.state).toBe(KURED_STATE.REBOOT_DELAY);
    h.send({ type: 'STOP' });
    h.runUntil(3 * HOUR_MS);
    expect(h.state).toBe(KURED_STATE.STOPPED);
    expect(h.named('reboot')).toEqual([]);
  });
});
