/**
 * The machine's speed at the time of a benchmark: a fixed CPU- and memory-bound loop (a 1M-entry
 * Float64Array read at strided positions, 60 passes), timed three times, the median. On a shared
 * virtual machine its time moves with the other tenants (181-703 ms over one session here), and
 * fleetsim's figures move with it: read them against this one. Lower is faster.
 */
export function referenceLoopMs(repeats = 3): number {
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const a = new Float64Array(1 << 20);
    for (let pass = 0; pass < 60; pass++) {
      for (let i = 0; i < a.length; i++) {
        a[i] = a[(i * 7919) & (a.length - 1)] * 0.5 + i;
        sink += a[i];
      }
    }
    times.push(performance.now() - t0);
  }
  if (!(sink > 0)) throw new Error('reference loop: no work done');
  times.sort((x, y) => x - y);
  return Math.round(times[Math.floor(times.length / 2)]);
}
