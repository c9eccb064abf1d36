// Time-series charts (d3): nodes on each version, nodes down and rebooting, reboot-lock holders,
// update-server load, and one per workload (instances serving against its availability target). Spans without an etcd leader are shaded on every chart. x is simulated
// time from 0 to the current time; samples come from the server on a fixed grid.

import { axisBottom, axisLeft, extent, line, max, scaleLinear, select, type Selection } from 'd3';
import type { Sample, WorkloadInfo } from '../shared/protocol.ts';
import { versionColour } from './colours.ts';
import { formatDuration } from './format.ts';

interface Series {
  name: string;
  colour: string;
  value: (s: Sample) => number;
}

const MARGIN = { top: 6, right: 10, bottom: 18, left: 44 };
const HEIGHT = 150;

class Chart {
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly key: HTMLElement;

  constructor(
    parent: HTMLElement,
    readonly id: string,
    title: string,
    private readonly series: () => Series[],
  ) {
    const box = document.createElement('div');
    box.className = 'chart';
    box.id = id;
    box.innerHTML = `<h4>${title}<span class="key"></span></h4>`;
    parent.appendChild(box);
    this.key = box.querySelector('.key')!;
    this.svg = select(box).append('svg');
  }

  draw(samples: Sample[], live: Sample | null): void {
    const points = live !== null && (samples.length === 0 || live.t > samples[samples.length - 1].t) ? [...samples, live] : samples;
    const width = (this.svg.node()?.clientWidth ?? 400) || 400;
    const series = this.series();
    const x = scaleLinear()
      .domain([0, Math.max(1, extent(points, (s) => s.t)[1] ?? 1)])
      .range([MARGIN.left, width - MARGIN.right]);
    const yMax = max(series, (se) => max(points, se.value) ?? 0) ?? 0;
    const y = scaleLinear().domain([0, Math.max(1, yMax)]).nice().range([HEIGHT - MARGIN.bottom, MARGIN.top]);
    const svg = this.svg;
    svg.attr('viewBox', `0 0 ${width} ${HEIGHT}`);
    svg.selectAll('*').remove();
    // Leaderless spans: consecutive samples with no etcd leader.
    const spans: [number, number][] = [];
    for (let i = 0; i < points.length; i++) {
      if (points[i].leaderless !== 1) continue;
      const start = points[i].t;
      while (i + 1 < points.length && points[i + 1].leaderless === 1) i++;
      spans.push([start, points[Math.min(i + 1, points.length - 1)].t]);
    }
    svg.append('g').selectAll('rect').data(spans).join('rect')
      .attr('class', 'leaderless')
      .attr('x', (d) => x(d[0])).attr('width', (d) => Math.max(1, x(d[1]) - x(d[0])))
      .attr('y', MARGIN.top).attr('height', HEIGHT - MARGIN.bottom - MARGIN.top);
    svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickFormat((d) => formatDuration(Number(d))));
    svg.append('g').attr('class', 'axis').attr('transform', `translate(${MARGIN.left},0)`).call(axisLeft(y).ticks(4));
    for (const se of series) {
      const path = line<Sample>().x((s) => x(s.t)).y((s) => y(se.value(s)));
      svg.append('path').datum(points).attr('fill', 'none').attr('stroke', se.colour).attr('stroke-width', 1.5).attr('d', path)
        .attr('data-series', se.name);
    }
    const last = points[points.length - 1];
    this.key.innerHTML = series
      .map((se) => ` <span class="swatch" style="background:${se.colour}"></span>${se.name}${last === undefined ? '' : ` ${Math.round(se.value(last))}`}`)
      .join(' ');
  }
}

export class Charts {
  private readonly charts: Chart[];
  private versions: string[] = [];
  private workloadCharts: Chart[] = [];
  /** Peak of the nodes-down series drawn so far (the e2e test reads it). */
  maxDown = 0;

  constructor(private readonly parent: HTMLElement) {
    parent.innerHTML = '';
    this.charts = [
      new Chart(parent, 'chart-versions', 'nodes per version', () =>
        this.versions.map((name, i) => ({ name, colour: versionColour(i), value: (s: Sample) => s.versions[i] ?? 0 })),
      ),
      new Chart(parent, 'chart-down', 'nodes down / rebooting', () => [
        { name: 'down', colour: '#ef4444', value: (s) => s.down },
        { name: 'rebooting', colour: '#22d3ee', value: (s) => s.rebooting },
      ]),
      new Chart(parent, 'chart-locks', 'reboot-lock holders (shaded: etcd leaderless)', () => [
        { name: 'holders', colour: '#f59e0b', value: (s) => s.lockHolders },
      ]),
      new Chart(parent, 'chart-server', 'update server', () => [
        { name: 'requests/min', colour: '#60a5fa', value: (s) => s.requestsPerMin },
        { name: 'downloads', colour: '#a3e635', value: (s) => s.downloads },
      ]),
    ];
  }

  setVersions(versions: string[]): void {
    this.versions = versions;
  }

  /** One chart per workload of the loaded scenario: instances serving, its target, its quorum. */
  setWorkloads(workloads: readonly WorkloadInfo[]): void {
    for (const box of this.parent.querySelectorAll('.chart.workload')) box.remove();
    this.workloadCharts = workloads.map((w, i) => {
      const chart = new Chart(this.parent, `chart-workload-${i}`, `workload ${w.name}: serving of ${w.replicas}`, () => [
        { name: 'serving', colour: '#009e73', value: (s: Sample) => s.workloads[i] ?? 0 },
        { name: 'target', colour: '#d55e00', value: () => w.minReady },
        ...(w.quorum === null ? [] : [{ name: 'quorum', colour: '#cc79a7', value: () => w.quorum! }]),
      ]);
      this.parent.querySelector(`#chart-workload-${i}`)!.classList.add('workload');
      return chart;
    });
  }

  draw(samples: Sample[], live: Sample | null): void {
    for (const s of samples) if (s.down > this.maxDown) this.maxDown = s.down;
    for (const chart of this.charts) chart.draw(samples, live);
    for (const chart of this.workloadCharts) chart.draw(samples, live);
  }
}
