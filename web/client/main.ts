// The fleetsim web UI: wires the connection, the fleet view, the charts, the panels and the
// controls. The simulation runs on the server; this page shows its frames and sends commands.
// `?bench=N` instead draws a synthetic fleet of N nodes with no server (frame-rate probe).

import { applyFrame } from '../shared/node-frames.ts';
import { CATEGORY_NAMES, SPEED_MAX, type Command, type EtcdFrame, type Frame, type GroupInfo, type NodeDetails, type Sample, type ScenarioInfo, type StatusFrame } from '../shared/protocol.ts';
import { Charts } from './charts.ts';
import { CATEGORY_COLOURS } from './colours.ts';
import { Connection } from './connection.ts';
import { EventLog } from './event-log.ts';
import { FaultsPanel } from './faults.ts';
import { FleetView } from './fleet-view.ts';
import { formatDuration, formatSpeed } from './format.ts';
import { renderEtcd, renderNode } from './panels.ts';
import { Timeline } from './timeline.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from index.html`);
  return element as T;
};

/** Charts redraw at most this often (their data changes every tick; SVG is not free). */
const CHART_REDRAW_MS = 250;

interface AppState {
  scenario: ScenarioInfo | null;
  view: FleetView | null;
  samples: Sample[];
  status: StatusFrame | null;
  etcd: EtcdFrame | null;
  connected: boolean;
  nodeFrames: number;
  lastError: string | null;
  chartsDirty: boolean;
  lastChartDrawMs: number;
  counts: number[];
  /** The node the inspector shows (refreshed while playing). */
  inspected: number;
  lastNode: NodeDetails | null;
  lastInspectMs: number;
}

const state: AppState = {
  scenario: null,
  view: null,
  samples: [],
  status: null,
  etcd: null,
  connected: false,
  nodeFrames: 0,
  lastError: null,
  chartsDirty: false,
  lastChartDrawMs: 0,
  counts: [],
  inspected: -1,
  lastNode: null,
  lastInspectMs: 0,
};

/** The inspector asks for its node again at most this often while the run moves. */
const INSPECT_REFRESH_MS = 500;

const charts = new Charts($('charts'));
const log = new EventLog(
  $<HTMLOListElement>('log'),
  $('log-dropped'),
  [...document.querySelectorAll<HTMLInputElement>('#log-panel input[type=checkbox]')],
  $<HTMLInputElement>('log-filter'),
);

function message(text: string, isError = false): void {
  const el = $('message');
  el.textContent = text;
  el.className = isError ? 'error' : 'muted';
  if (isError) state.lastError = text;
}

// ---- legend ---------------------------------------------------------------------------------

$('legend').innerHTML = CATEGORY_NAMES.map((name, i) => `<span><span class="swatch" style="background:${CATEGORY_COLOURS[i]}"></span>${name}</span>`).join('') +
  '<span class="muted">ring: version (cells of 4 px and more)</span><span id="agents" class="muted"></span>';

// ---- frames ---------------------------------------------------------------------------------

const connection = new Connection({
  frame: onFrame,
  binary: (bytes) => {
    const view = state.view;
    if (view === null) return;
    applyFrame(bytes, view.category, view.version);
    state.nodeFrames++;
    view.markDirty();
    state.counts = view.countCategories();
    renderCounts();
  },
  state: (open, reason) => {
    state.connected = open;
    $('connection').textContent = open ? '' : `disconnected: ${reason}`;
  },
});

function onFrame(frame: Frame): void {
  switch (frame.type) {
    case 'hello':
      void fillScenarioPicker(frame.scenarios);
      break;
    case 'loaded':
      onLoaded(frame.scenario, frame.seed, frame.samples);
      break;
    case 'status':
      onStatus(frame);
      break;
    case 'samples':
      if (frame.truncateAfter !== undefined) {
        state.samples = state.samples.filter((s) => s.t <= frame.truncateAfter!);
        log.truncateAfter(frame.truncateAfter);
      }
      state.samples.push(...frame.samples);
      state.chartsDirty = true;
      break;
    case 'etcd':
      state.etcd = frame;
      renderEtcd($('etcd-body'), frame);
      break;
    case 'events':
      log.add(frame.events, frame.dropped);
      break;
    case 'node':
      if (frame.node === state.inspected) {
        state.lastNode = frame;
        renderNode($('details-body'), frame, state.scenario?.machines ?? []);
      }
      break;
    case 'export':
      download(frame.fileName, frame.yaml, 'text/yaml');
      break;
    case 'report':
      download(`${state.scenario?.name ?? 'fleetsim'}-report.json`, `${JSON.stringify(frame.report, null, 2)}\n`, 'application/json');
      break;
    case 'ack':
      if (frame.note !== undefined) message(frame.note);
      break;
    case 'error':
      message(frame.message + (frame.details !== undefined && frame.details.length > 1 ? ` (+${frame.details.length - 1} more)` : ''), true);
      break;
  }
}

function onLoaded(scenario: ScenarioInfo, seed: number, samples: Sample[]): void {
  state.scenario = scenario;
  state.samples = [...samples];
  state.chartsDirty = true;
  state.view = new FleetView($<HTMLCanvasElement>('fleet'), scenario.groups, scenario.zones, scenario.nodeCount);
  charts.setWorkloads(scenario.workloads);
  applyColourBy();
  $<HTMLInputElement>('seed').value = String(seed);
  const scrubber = $<HTMLInputElement>('scrubber');
  scrubber.max = String(scenario.horizonMs);
  scrubber.step = String(Math.max(1, Math.round(scenario.horizonMs / 2000)));
  $('horizon').textContent = formatDuration(scenario.horizonMs);
  faults.load(scenario);
  timeline.load(scenario.horizonMs, scenario.marks);
  log.clear();
  state.inspected = -1;
  state.lastNode = null;
  $('details-body').textContent = 'click a node';
  $<HTMLSelectElement>('scenario').value = scenario.name;
  // The URL holds the scenario and seed: a view can be shared (and reloads where it was).
  const url = new URL(location.href);
  url.searchParams.set('scenario', scenario.name === 'inline' ? url.searchParams.get('scenario') ?? 'default' : scenario.name);
  url.searchParams.set('seed', String(seed));
  history.replaceState(null, '', url);
  // The agents present, each with its groups' strategies (reboot.groups.<g>.agent).
  const agents = scenario.agents.map((a) => `${a.agent} (${a.groups.map((g) => `${g.name}: ${g.strategy}`).join(', ')})`).join('; ');
  $('agents').textContent = `reboot agents: ${agents}`;
  message(`${scenario.name}: ${scenario.nodeCount.toLocaleString()} nodes, ${scenario.etcdMembers} etcd members, ${agents || scenario.strategy}`);
}

let scrubbing = false;
/** The skip-quiet value last sent and not yet reflected in a status frame, or null. */
let skipQuietSent: boolean | null = null;

function onStatus(status: StatusFrame): void {
  state.status = status;
  const time = $('sim-time');
  time.dataset.ms = String(status.timeMs);
  time.textContent = `${formatDuration(status.timeMs)} · ${formatSpeed(status.effectiveSpeed)}${status.seekingTo !== null ? ` · seeking ${formatDuration(status.seekingTo)}` : ''}`;
  if (!scrubbing) $<HTMLInputElement>('scrubber').value = String(status.timeMs);
  if (document.activeElement !== speedInput) {
    speedInput.value = String(Math.log10(status.speed));
    $('speed-out').textContent = formatSpeed(status.speed);
  }
  $('play').textContent = status.playing || status.seekingTo !== null ? 'pause' : 'play';
  charts.setVersions(status.versions);
  state.chartsDirty = true;
  $('caption').textContent = status.caption;
  // A status frame sent before the server saw the user's toggle must not undo it: the box
  // follows the server again once the server agrees with what was sent.
  if (skipQuietSent === null || skipQuietSent === status.skipQuiet) {
    skipQuietSent = null;
    $<HTMLInputElement>('skip-quiet').checked = status.skipQuiet;
  }
  timeline.update(status.injected, status.checkpoints);
  const now = performance.now();
  if (state.inspected >= 0 && (status.playing || status.seekingTo !== null || state.lastNode?.node !== state.inspected) && now - state.lastInspectMs >= INSPECT_REFRESH_MS) {
    state.lastInspectMs = now;
    send({ type: 'inspect', node: state.inspected });
  }
  $('injected').textContent = status.injected.length === 0 ? '' : `${status.injected.length} injected: ` +
    status.injected.slice(-4).map((i) => `${formatDuration(i.at)} ${String(i.item.kind ?? i.item.do)}`).join(', ');
  if (status.crashed !== null) message(`run crashed: ${status.crashed}`, true);
}

function renderCounts(): void {
  const counts = $('counts');
  counts.innerHTML = state.counts.map((c, i) => `<span data-category="${CATEGORY_NAMES[i]}" title="${CATEGORY_NAMES[i]}"><span class="swatch" style="background:${CATEGORY_COLOURS[i]}"></span>${c}</span>`).join(' ');
  counts.dataset.down = String(state.counts[5] ?? 0);
}

// ---- controls -------------------------------------------------------------------------------

async function fillScenarioPicker(names: string[]): Promise<void> {
  let preferred = names[0];
  try {
    const listing = (await (await fetch('./api/scenarios')).json()) as { default: string | null };
    if (listing.default !== null) preferred = listing.default;
  } catch {
    // The listing is a convenience: the names from the hello frame are enough.
  }
  const select = $<HTMLSelectElement>('scenario');
  select.innerHTML = names.map((n) => `<option${n === preferred ? ' selected' : ''}>${n}</option>`).join('');
  const requested = new URLSearchParams(location.search).get('scenario');
  const name = requested !== null && names.includes(requested) ? requested : preferred;
  select.value = name;
  const seed = new URLSearchParams(location.search).get('seed');
  send({ type: 'load', scenario: name, ...(seed !== null && /^-?\d+$/.test(seed) ? { seed: Number(seed) } : {}) });
}

function send(command: Command): void {
  connection.send(command);
}

function loadSelected(): void {
  const seedText = $<HTMLInputElement>('seed').value.trim();
  const scenario = $<HTMLSelectElement>('scenario').value;
  send({ type: 'load', scenario, ...(/^-?\d+$/.test(seedText) ? { seed: Number(seedText) } : {}) });
}

function togglePlay(): void {
  const s = state.status;
  send({ type: s !== null && (s.playing || s.seekingTo !== null) ? 'pause' : 'play' });
}

$('load').addEventListener('click', loadSelected);
$('scenario').addEventListener('change', loadSelected);
$('play').addEventListener('click', togglePlay);
$('step').addEventListener('click', () => send({ type: 'step' }));
/** Seeks by `deltaMs` from the current time (keyboard). */
function seekBy(deltaMs: number): void {
  const s = state.status;
  if (s === null) return;
  send({ type: 'seek', timeMs: Math.max(0, Math.min(s.horizonMs, s.timeMs + deltaMs)) });
}

// Keys: space play/pause, right arrow step, left arrow back 5 min, shift+arrows one hour, home
// to the start. Not while typing in a field (a range input keeps its own arrows).
document.addEventListener('keydown', (event) => {
  const target = event.target;
  if (target instanceof HTMLInputElement && target.type !== 'checkbox' && target.type !== 'radio') return;
  if (target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const handled = (() => {
    switch (event.key) {
      case ' ':
        togglePlay();
        return true;
      case 'ArrowRight':
        if (event.shiftKey) seekBy(3_600_000);
        else send({ type: 'step' });
        return true;
      case 'ArrowLeft':
        seekBy(event.shiftKey ? -3_600_000 : -300_000);
        return true;
      case 'Home':
        send({ type: 'seek', timeMs: 0 });
        return true;
      default:
        return false;
    }
  })();
  if (handled) event.preventDefault();
});
$('skip-quiet').addEventListener('change', () => {
  skipQuietSent = $<HTMLInputElement>('skip-quiet').checked;
  send({ type: 'skip-quiet', on: skipQuietSent });
});

// Speed: a log-scale slider from 1x to 10^6 x.
const speedInput = $<HTMLInputElement>('speed');
const speedOf = () => Math.min(SPEED_MAX, Math.round(10 ** Number(speedInput.value)));
speedInput.addEventListener('input', () => {
  $('speed-out').textContent = formatSpeed(speedOf());
});
speedInput.addEventListener('change', () => send({ type: 'speed', x: speedOf() }));
$('speed-out').textContent = formatSpeed(speedOf());

const scrubber = $<HTMLInputElement>('scrubber');
scrubber.addEventListener('input', () => {
  scrubbing = true;
  $('sim-time').textContent = `seek to ${formatDuration(Number(scrubber.value))}`;
});
scrubber.addEventListener('change', () => {
  scrubbing = false;
  send({ type: 'seek', timeMs: Number(scrubber.value) });
});

$('colour-by').addEventListener('change', applyColourBy);
function applyColourBy(): void {
  if (state.view === null) return;
  state.view.colourBy = $<HTMLSelectElement>('colour-by').value === 'version' ? 'version' : 'state';
  state.view.markDirty();
}

// ---- fault tools ----------------------------------------------------------------------------

const faults = new FaultsPanel(send, message);
const timeline = new Timeline($('marks'), (timeMs) => send({ type: 'seek', timeMs }));

function inject(fault: Record<string, unknown>): void {
  send({ type: 'inject', fault });
}

const canvas = $<HTMLCanvasElement>('fleet');
canvas.addEventListener('click', (event) => {
  const view = state.view;
  if (view === null) return;
  const tool = document.querySelector<HTMLInputElement>('input[name=tool]:checked')?.value ?? 'inspect';
  if (tool === 'power-loss') {
    const zone = view.zoneAtClient(event.clientX);
    if (zone !== null) inject({ kind: 'power-loss', target: { zone }, duration: '5m' });
    return;
  }
  const node = view.nodeAtClient(event.clientX, event.clientY);
  if (node < 0) return;
  if (tool === 'pick') {
    faults.togglePick(node);
    view.picked = new Set(faults.picked);
    view.markDirty();
    return;
  }
  view.highlighted = node;
  view.markDirty();
  if (tool === 'crash') inject({ kind: 'node-crash', target: { nodes: [node] }, duration: '10m' });
  state.inspected = node;
  state.lastInspectMs = performance.now();
  send({ type: 'inspect', node });
});
canvas.addEventListener('mousemove', (event) => {
  const view = state.view;
  if (view === null) return;
  const node = view.nodeAtClient(event.clientX, event.clientY);
  canvas.title = node < 0 ? '' : `node ${node}: ${CATEGORY_NAMES[view.category[node]] ?? '?'}, version ${state.status?.versions[view.version[node]] ?? view.version[node]}`;
});

$('export-yaml').addEventListener('click', () => send({ type: 'export' }));
$('export-report').addEventListener('click', () => send({ type: 'report' }));

function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- drawing --------------------------------------------------------------------------------

function frame(): void {
  state.view?.draw();
  const now = performance.now();
  if (state.chartsDirty && now - state.lastChartDrawMs >= CHART_REDRAW_MS) {
    state.chartsDirty = false;
    state.lastChartDrawMs = now;
    charts.draw(state.samples, state.status?.live ?? null);
  }
  requestAnimationFrame(frame);
}

window.addEventListener('resize', () => {
  state.view?.resize();
  state.chartsDirty = true;
});

// ---- the test and probe hook ----------------------------------------------------------------

/** Frames per second of full redraws over `durationMs`, as the browser paces them (rAF). */
function measureFps(durationMs: number, mutate: (() => void) | null): Promise<{ fps: number; frames: number; meanDrawMs: number; cellPx: number; nodes: number }> {
  const view = state.view;
  if (view === null) return Promise.reject(new Error('no fleet view'));
  return new Promise((resolve) => {
    const started = performance.now();
    let frames = 0;
    let drawMs = 0;
    const tick = () => {
      mutate?.();
      view.draw(true);
      drawMs += view.lastDrawMs;
      frames++;
      const elapsed = performance.now() - started;
      if (elapsed < durationMs) requestAnimationFrame(tick);
      else resolve({ fps: (frames * 1000) / elapsed, frames, meanDrawMs: drawMs / frames, cellPx: view.cellPx, nodes: view.nodeCount });
    };
    requestAnimationFrame(tick);
  });
}

/** A cheap digest of the fleet canvas's pixels (the e2e test watches it change). */
function canvasHash(): number {
  const ctx = canvas.getContext('2d');
  if (ctx === null || canvas.width === 0 || canvas.height === 0) return 0;
  const data = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
  let h = 2166136261;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 16777619);
  return h >>> 0;
}

const bench = Number(new URLSearchParams(location.search).get('bench') ?? '0');

declare global {
  interface Window {
    __fleetsim: unknown;
  }
}

window.__fleetsim = {
  state: () => ({
    connected: state.connected,
    scenario: state.scenario?.name ?? null,
    nodeCount: state.scenario?.nodeCount ?? state.view?.nodeCount ?? 0,
    timeMs: state.status?.timeMs ?? 0,
    playing: state.status?.playing ?? false,
    seekingTo: state.status?.seekingTo ?? null,
    traceHash: state.status?.traceHash ?? null,
    counts: Object.fromEntries(state.counts.map((c, i) => [CATEGORY_NAMES[i], c])),
    nodeFrames: state.nodeFrames,
    samples: state.samples.length,
    maxDownInSamples: state.samples.reduce((m, s) => Math.max(m, s.down), 0),
    lastSample: state.samples.at(-1) ?? null,
    framesDrawn: state.view?.framesDrawn ?? 0,
    injected: state.status?.injected.length ?? 0,
    lastError: state.lastError,
    etcdLeader: state.etcd?.leader ?? null,
    caption: state.status?.caption ?? '',
    checkpoints: state.status?.checkpoints ?? [],
    checkpointsBuilding: state.status?.checkpointsBuilding ?? false,
    lastSeek: state.status?.lastSeek ?? null,
    inspected: state.lastNode,
  }),
  canvasHash,
  send: (command: Command) => connection.send(command),
  /** The first node drawn in a category (by name), or -1, and where to click it. */
  findNode: (categoryName: string) => {
    const view = state.view;
    const c = (CATEGORY_NAMES as readonly string[]).indexOf(categoryName);
    if (view === null || c < 0) return null;
    const node = view.category.indexOf(c);
    return node < 0 ? null : { node, ...view.clientPointOf(node) };
  },
  /** Where to click node `node` on the canvas (page coordinates), or null before a scenario is drawn. */
  pointOf: (node: number) => (state.view === null ? null : state.view.clientPointOf(node)),
  request: (command: Command) => connection.request(command),
  measureFps: (durationMs: number) => {
    const view = state.view;
    // In bench mode, 1% of the nodes change state every frame, as in a busy rollout.
    const mutate = bench > 0 && view !== null
      ? () => {
          const n = view.nodeCount;
          for (let k = 0; k < Math.max(1, n / 100); k++) {
            const i = (Math.random() * n) | 0;
            view.category[i] = (Math.random() * CATEGORY_NAMES.length) | 0;
            view.version[i] = (Math.random() * 3) | 0;
          }
        }
      : null;
    return measureFps(durationMs, mutate);
  },
};

if (bench > 0) {
  // A synthetic fleet: three zones, two groups, the page's own canvas; no server.
  const groups: GroupInfo[] = [
    { name: 'canary', nodes: Math.max(1, Math.round(bench * 0.05)), zones: ['a'] },
    { name: 'prod', nodes: bench - Math.max(1, Math.round(bench * 0.05)), zones: ['a', 'b', 'c'] },
  ];
  state.view = new FleetView(canvas, groups, ['a', 'b', 'c'], bench);
  message(`bench: ${bench.toLocaleString()} synthetic nodes, no server`);
} else {
  connection.open();
}
requestAnimationFrame(frame);
