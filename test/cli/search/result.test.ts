/**
 * A search's scores, table, CSV and page, from reports made here: the objectives are p95 (nearest
 * rank, null above numbers) of rollout.duration and availability.maxDown, computed here by hand;
 * one objective more per workload when reports list workloads; the page is self-contained.
 */
import { describe, expect, it } from 'vitest';
import type { Combination } from '../../../sim/cli/args.ts';
import { d3Bundle } from '../../../sim/cli/commands/search.ts';
import { BASE_OBJECTIVES, objectivesFor } from '../../../sim/cli/search/objectives.ts';
import { scriptSafe, searchHtml } from '../../../sim/cli/search/html.ts';
import { formatSearchTable, frontierPoints, searchCsv, searchResult } from '../../../sim/cli/search/result.ts';
import type { Report } from '../../../sim/report/report.ts';
import { makeReport } from '../make-report.ts';

const combo = (n: number): Combination => ({ overrides: { 'reboot.maxConcurrent': n }, labels: [`reboot.maxConcurrent=${n}`] });
const run = (durationMs: number | null, maxDown: number): Report =>
  makeReport({ rollout: { duration: durationMs, completed: durationMs !== null }, availability: { maxDown } });

// 20 seeds: p95 by nearest rank is the 19th smallest value.
const seeds = (f: (i: number) => [number | null, number]) => Array.from({ length: 20 }, (_, i) => run(...f(i)));
const reportsPer = [
  seeds((i) => [3_600_000 + i * 60_000, 1]), // slow, gentle: p95 = 3.6M + 18 min
  seeds((i) => [600_000 + i * 1000, 4]), // fast, disruptive: p95 = 618,000
  seeds((i) => [3_600_000 + i * 60_000, i < 19 ? 3 : 5]), // as slow as the first and more disruptive
  seeds((i) => [i < 2 ? null : 100_000, 1]), // 2 of 20 never complete: p95 = never
];
const combinations = [1, 4, 2, 8].map(combo);

describe('search result', () => {
  const result = searchResult(combinations, reportsPer, 20);

  it('scores each combination by the p95 of rollout time and of disruption', () => {
    expect(result.objectives.map((o) => o.id)).toEqual(['p95 rollout.duration', 'p95 availability.maxDown']);
    expect(result.points.map((p) => p.scores)).toEqual([
      [3_600_000 + 18 * 60_000, 1],
      [618_000, 4],
      [3_600_000 + 18 * 60_000, 3],
      [null, 1],
    ]);
  });

  it('puts the trade-offs on the frontier and the dominated points off it', () => {
    expect(result.points.map((p) => p.frontier)).toEqual([true, true, false, false]);
    expect(frontierPoints(result).map((p) => p.combination.labels[0])).toEqual(['reboot.maxConcurrent=4', 'reboot.maxConcurrent=1']);
  });

  it('prints the frontier, fastest first, with human values', () => {
    const table = formatSearchTable(result);
    expect(table).toContain('Pareto frontier: 2 of 4 combinations (p95 over 20 seeds');
    const lines = table.split('\n');
    expect(lines[3]).toMatch(/^reboot\.maxConcurrent=4\s+10m 18s\s+4$/);
    expect(lines[4]).toMatch(/^reboot\.maxConcurrent=1\s+1h 18m\s+1$/);
  });

  it('writes every combination to the CSV with raw numbers, an empty cell for never, and the frontier flag', () => {
    expect(searchCsv(['reboot.maxConcurrent'], result)).toBe(
      [
        'reboot.maxConcurrent,p95 rollout.duration,p95 availability.maxDown,runs,frontier',
        '1,4680000,1,20,1',
        '4,618000,4,20,1',
        '2,4680000,3,20,0',
        '8,,1,20,0',
        '',
      ].join('\n'),
    );
  });

  it('adds one belowMinMs objective per workload when reports list workloads (none exist yet; the list is open)', () => {
    const withWorkloads = (belowMinMs: number) => ({ ...run(1000, 1), workloads: [{ name: 'web', belowMinMs }, { name: 'db', belowMinMs: 0 }] }) as unknown as Report;
    const objectives = objectivesFor([withWorkloads(5), withWorkloads(7)]);
    expect(objectives.map((o) => o.id)).toEqual([...BASE_OBJECTIVES.map((o) => o.id), 'p95 workloads[web].belowMinMs', 'p95 workloads[db].belowMinMs']);
    expect(objectives[2].value(withWorkloads(5))).toBe(5);
    expect(objectives[2].value(run(1000, 1))).toBeNull();
    expect(objectivesFor([run(1000, 1)])).toHaveLength(2);
  });

  it('draws a page that loads nothing from the network: d3 and the data are inline', () => {
    const page = searchHtml(result, { title: 'search <x>', d3Source: d3Bundle() });
    expect(page).not.toMatch(/<script[^>]+src=|<link |@import|url\(/i);
    expect(page).toContain('d3.select(');
    expect(page).toContain('title>search &lt;x&gt;</title');
    // Exactly our two script elements: nothing in d3 or the data closed one early.
    expect(page.match(/<script>/g)).toHaveLength(2);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).toContain('"label":"reboot.maxConcurrent=8","scores":[null,1],"frontier":false');
  });

  it('keeps a script element closed only where it should be', () => {
    expect(scriptSafe('a</script>b<!--c</SCRIPT')).toBe('a<\\/script>b<\\!--c<\\/SCRIPT');
  });
});
