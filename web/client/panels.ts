// The side panels: etcd (members, roles, terms, leader, quorum, lock holders) and the node
// inspector (partition table, update_engine, reboot manager, recent events).

import type { EtcdFrame, MachineGraph, NodeDetails } from '../shared/protocol.ts';
import { outgoing, renderDiagram } from './diagram.ts';
import { formatDuration } from './format.ts';

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function renderEtcd(body: HTMLElement, frame: EtcdFrame): void {
  if (frame.members.length === 0) {
    body.innerHTML = `no etcd cluster; local semaphore, holders: ${frame.lockHolders.join(', ') || 'none'} (max ${frame.lockMax})`;
    return;
  }
  const up = frame.members.filter((m) => m.up).length;
  const rows = frame.members
    .map((m) => {
      const cls = m.id === frame.leader ? 'leader' : m.up ? '' : 'down';
      return `<tr class="${cls}"><td>${m.id}</td><td>${escape(m.zone)}</td><td>${escape(m.role)}</td><td>${m.term}</td></tr>`;
    })
    .join('');
  body.innerHTML =
    `<div>leader: <b data-leader="${frame.leader}">${frame.leader < 0 ? '<span class="down">none</span>' : `member ${frame.leader}`}</b>` +
    ` · quorum ${frame.quorum} of ${frame.members.length}, up ${up} · ${frame.hasQuorum ? 'has quorum' : '<span class="down">NO QUORUM</span>'}</div>` +
    `<table><tr><th>member</th><th>zone</th><th>role</th><th>term</th></tr>${rows}</table>` +
    `<div>reboot lock: ${frame.lockHolders.length}/${frame.lockMax} held${frame.lockHolders.length > 0 ? ` by node ${frame.lockHolders.join(', ')}` : ''}</div>`;
}

export function renderNode(body: HTMLElement, d: NodeDetails, scenarioGraphs: readonly MachineGraph[]): void {
  // The reboot agent's diagram is the node's own agent's (reboot.groups.<g>.agent), not the scenario's.
  const graphs = scenarioGraphs.map((g) => (g.name === 'rebootManager' ? d.agentMachine : g));
  const parts = d.partitions
    .map((p) => `<tr${p.booted ? ' class="leader"' : ''}><td>${p.slot}${p.booted ? ' (booted)' : ''}</td><td>${escape(p.version ?? '-')}</td><td>${p.priority}</td><td>${p.tries}</td><td>${p.successful}</td></tr>`)
    .join('');
  const ue = d.updateEngine;
  const events = d.lastEvents
    .map((e) => `<li><span class="t">${formatDuration(e.time)}</span>${escape(e.kind)}${e.data === undefined ? '' : ` ${escape(JSON.stringify(e.data))}`}</li>`)
    .join('');
  const titles = new Map(graphs.map((g) => [g.name, g.title]));
  const transitions = d.transitions
    .map((t) => `<li><span class="t">${formatDuration(t.timeMs)}</span><span class="muted">${escape(titles.get(t.machine) ?? t.machine)}:</span> ${escape(t.from)} <b>--${escape(t.event)}--&gt;</b> ${escape(t.to)}</li>`)
    .join('');
  const diagrams = graphs
    .map((g) => {
      const current = d.machines[g.name] ?? g.initial;
      const last = d.transitions.filter((t) => t.machine === g.name).at(-1);
      const next = outgoing(g, current);
      return `<div class="machine"><div class="machine-title">${escape(g.title)}: <b>${escape(current)}</b></div>${renderDiagram(g, current, last)}` +
        `<div class="muted next">${next.length === 0 ? 'no way out' : `next: ${next.map(escape).join(' · ')}`}</div></div>`;
    })
    .join('');
  const lock = d.lock;
  body.innerHTML =
    `<div><b>node ${d.node}</b> · group ${escape(d.group)} · zone ${escape(d.zone)} · version ${escape(d.version)}</div>` +
    `<div>update_engine: <b>UPDATE_STATUS_${escape(d.updateStatus)}</b> (failures ${ue.failures ?? 0})</div>` +
    `<div>power/boot: <b>${escape(d.power)}</b>${d.down ? ' <span class="down">down</span>' : ''}${d.rolledBack ? ' · rolled back' : ''}</div>` +
    `<div>reboot agent ${escape(d.agent)}: <b>${escape(d.rebootManager)}</b> · lock group ${escape(lock.group)}: ${lock.holders.length}/${lock.max} held` +
    `${d.holdsLock ? ' · <b class="leader">this node holds it</b>' : lock.holders.length > 0 ? ` by node ${lock.holders.join(', ')}` : ''}</div>` +
    `<table class="partitions"><tr><th>partition</th><th>version</th><th>priority</th><th>tries</th><th>successful</th></tr>${parts}</table>` +
    renderInstances(d.instances) +
    diagrams +
    `<div class="muted">last transitions</div><ol class="events transitions">${transitions || '<li class="muted">none in the recent window</li>'}</ol>` +
    `<div class="muted">recent events</div><ol class="events">${events || '<li class="muted">none in the recent window</li>'}</ol>`;
}

/** The node's instances, one box each, coloured by state (a serving instance is solid). */
function renderInstances(instances: NodeDetails['instances']): string {
  if (instances.length === 0) return '<div class="muted">workloads: no instance on this node</div>';
  const boxes = instances
    .map((i) => `<span class="instance ${i.state}${i.serving ? ' serving' : ''}" title="${escape(i.workload)}: ${i.state}${i.serving ? ', serving' : ''}">${escape(i.workload)}</span>`)
    .join('');
  return `<div class="instances" data-count="${instances.length}">instances: ${boxes}</div>`;
}
