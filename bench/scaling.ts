/**
 * How the cost of a reference rollout (bench/fleet.ts) grows with the fleet, the horizon and the
 * etcd cluster: one axis at a time from 10k nodes x 168 h x 5 members (and the horizon also at
 * 100k nodes, whose rollout is still running at 200 h), each point the median of three child
 * processes. Figures for docs/performance.md; nothing here asserts on time.
 *
 *   npx tsx bench/scaling.ts [--repeats N] [--axis nodes|horizon|etcd]
 */
import { medianRun, type FleetFigure } from './fleet.ts';

const args = process.argv.slice(2);
const only = args.includes('--axis') ? args[args.indexOf('--axis') + 1] : null;
const repeats = args.includes('--repeats') ? Number(args[args.indexOf('--repeats') + 1]) : 3;

function row(axis: string, f: FleetFigure): string {
  const runMs = f.wallMs - f.initMs;
  return [
    axis.padEnd(8),
    String(f.nodes).padStart(8),
    String(f.horizonHours).padStart(5),
    String(f.etcdMembers).padStart(3),
    (f.wallMs / 1000).toFixed(2).padStart(7),
    String(f.events).padStart(9),
    ((runMs * 1000) / f.nodes).toFixed(1).padStart(7),
    ((runMs * 1000) / f.events).toFixed(2).padStart(6),
    String(f.updatedNodes).padStart(7),
    ((runMs * 1000) / Math.max(1, f.updatedNodes)).toFixed(1).padStart(8),
    String(f.peakRssMb).padStart(6),
  ].join('  ');
}

console.log('axis         nodes  hours  m   wall s     events  us/node  us/ev  updated  us/upd.  RSS MB');
const points: Array<[string, number, number, number]> = [
  ...[1_000, 10_000, 30_000, 100_000, 300_000].map((n): [string, number, number, number] => ['nodes', n, 168, 5]),
  // 10k nodes finish their rollout in ~17.5 h: a longer horizon adds idle time only.
  ...[24, 48, 96, 336].map((h): [string, number, number, number] => ['horizon', 10_000, h, 5]),
  // 100k nodes are still rolling out at 200 h (one reboot at a time): horizon = work.
  ...[24, 48, 96, 200].map((h): [string, number, number, number] => ['horizon', 100_000, h, 5]),
  ...[1, 3, 7].map((m): [string, number, number, number] => ['etcd', 10_000, 168, m]),
];
for (const [axis, nodes, hours, members] of points) if (only === null || only === axis) console.log(row(axis, medianRun(nodes, hours, members, repeats)));
