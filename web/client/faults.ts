// The faults panel: targets what a scenario's faults can name (sim/scenario/faults.ts): node
// faults on a group, a zone or the nodes picked on the canvas; etcd members by index or the
// leader; partitions between any two side members (zone:, group:, node:, etcd:, server) or one
// against the rest; a fleet group's reboot-lock group (or every one) for unlock; the operator's
// manual rollback on the same node targets as the faults. The server validates every item with the
// scenario schema and answers with its message when one does not fit.

import type { Command, GroupInfo, ScenarioInfo } from '../shared/protocol.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from index.html`);
  return element as T;
};

function options(values: readonly { value: string; label: string }[]): string {
  return values.map((v) => `<option value="${v.value}">${v.label}</option>`).join('');
}

export function largestZone(groups: GroupInfo[]): string | null {
  const counts = new Map<string, number>();
  for (const g of groups) g.zones.forEach((z, i) => counts.set(z, (counts.get(z) ?? 0) + Math.floor(g.nodes / g.zones.length) + (i < g.nodes % g.zones.length ? 1 : 0)));
  let best: string | null = null;
  for (const [zone, n] of counts) if (best === null || n > counts.get(best)!) best = zone;
  return best;
}

export class FaultsPanel {
  /** Nodes picked on the canvas (the "pick nodes" tool), in pick order. */
  readonly picked: number[] = [];
  private scenario: ScenarioInfo | null = null;

  constructor(
    private readonly send: (command: Command) => void,
    private readonly message: (text: string, isError?: boolean) => void,
  ) {
    $('storm').addEventListener('click', () => {
      const zone = this.scenario === null ? null : largestZone(this.scenario.groups);
      if (zone !== null) this.inject({ kind: 'power-loss', target: { zone }, duration: '5m' });
    });
    $('server-outage').addEventListener('click', () => this.inject({ kind: 'server-outage', duration: '30m' }));
    $('fault-go').addEventListener('click', () => this.nodeFault());
    $('etcd-kill').addEventListener('click', () => this.inject({ kind: 'etcd-kill', target: { etcd: this.etcdMember() }, duration: '1m' }));
    $('etcd-restart').addEventListener('click', () => this.inject({ kind: 'etcd-restart', target: { etcd: this.etcdMember() } }));
    $('partition').addEventListener('click', () => this.partition());
    // The scenario's unlock names a fleet group (its lock group is freed) or none (every lock group).
    $('unlock').addEventListener('click', () => {
      const group = $<HTMLSelectElement>('lock-group').value;
      this.send({ type: 'action', action: group === '' ? { do: 'unlock' } : { do: 'unlock', group } });
    });
    // The operator's manual rollback, on the node target of the faults row.
    $('rollback').addEventListener('click', () => {
      const target = this.nodeTarget();
      if (target !== null) this.send({ type: 'action', action: { do: 'rollback', target } });
    });
    $('lock-holder-dies').addEventListener('click', () => this.inject({ kind: 'lock-holder-dies' }));
    const publish = (bad: boolean) => {
      const version = $<HTMLInputElement>('release-version').value.trim();
      this.send({ type: 'action', action: { do: 'publish-release', release: { version, channel: 'stable', ...(bad ? { bootFailureProbability: 1 } : {}) } } });
    };
    $('publish').addEventListener('click', () => publish(false));
    $('publish-bad').addEventListener('click', () => publish(true));
  }

  /** Fills the selectors from the loaded scenario. */
  load(scenario: ScenarioInfo): void {
    this.scenario = scenario;
    this.picked.length = 0;
    const groups = scenario.groups.map((g) => ({ value: `group:${g.name}`, label: `group ${g.name}` }));
    const zones = scenario.zones.map((z) => ({ value: `zone:${z}`, label: `zone ${z}` }));
    const members = scenario.etcdMembers > 0 ? [{ value: 'leader', label: 'leader' }, ...Array.from({ length: scenario.etcdMembers }, (_, m) => ({ value: String(m), label: `member ${m}` }))] : [];
    $('fault-target').innerHTML = options([...groups, ...zones, { value: 'picked', label: 'picked nodes' }]);
    $('etcd-member').innerHTML = members.length > 0 ? options(members) : '<option value="">none</option>';
    for (const id of ['etcd-kill', 'etcd-restart']) $<HTMLButtonElement>(id).disabled = members.length === 0;
    const sides = [
      ...zones,
      ...groups,
      { value: 'picked', label: 'picked nodes' },
      ...members.map((m) => ({ value: `etcd:${m.value}`, label: `etcd ${m.label}` })),
      { value: 'server', label: 'update server' },
    ];
    $('partition-a').innerHTML = options(sides);
    $('partition-b').innerHTML = options([{ value: 'rest', label: 'the rest' }, ...sides]);
    $('lock-group').innerHTML = options([{ value: '', label: 'every lock group' }, ...scenario.groups.map((g) => ({ value: g.name, label: `${g.name}'s lock group` }))]);
    this.showPicked();
  }

  /** Adds or removes a node from the picked set (the "pick nodes" tool). */
  togglePick(node: number): void {
    const at = this.picked.indexOf(node);
    if (at >= 0) this.picked.splice(at, 1);
    else this.picked.push(node);
    this.showPicked();
  }

  private showPicked(): void {
    $('picked').textContent = this.picked.length === 0 ? '' : `picked: node ${this.picked.slice(0, 12).join(', ')}${this.picked.length > 12 ? ` (+${this.picked.length - 12})` : ''}`;
  }

  private inject(fault: Record<string, unknown>): void {
    this.send({ type: 'inject', fault });
  }

  private etcdMember(): string | number {
    const value = $<HTMLSelectElement>('etcd-member').value;
    return value === 'leader' ? 'leader' : Number(value);
  }

  /** The node target of the selector: a group, a zone or the picked nodes. */
  private nodeTarget(): Record<string, unknown> | null {
    const value = $<HTMLSelectElement>('fault-target').value;
    if (value === 'picked') {
      if (this.picked.length === 0) {
        this.message('pick nodes on the canvas first (tool: pick nodes)', true);
        return null;
      }
      return { nodes: [...this.picked] };
    }
    const colon = value.indexOf(':');
    return { [value.slice(0, colon)]: value.slice(colon + 1) };
  }

  private nodeFault(): void {
    const target = this.nodeTarget();
    if (target === null) return;
    const kind = $<HTMLSelectElement>('fault-kind').value;
    const duration = $<HTMLSelectElement>('fault-duration').value;
    if (kind === 'node-crash' || kind === 'power-loss') this.inject({ kind, target, duration });
    else if (kind === 'bad-disk') this.inject({ kind, target });
    else if (kind === 'clock-skew') this.inject({ kind, target, skew: '1h' });
  }

  /** A side's members: a selector value, or the picked nodes. */
  private side(value: string): string[] | null {
    if (value !== 'picked') return [value];
    if (this.picked.length === 0) {
      this.message('pick nodes on the canvas first (tool: pick nodes)', true);
      return null;
    }
    return this.picked.map((n) => `node:${n}`);
  }

  private partition(): void {
    const a = this.side($<HTMLSelectElement>('partition-a').value);
    const bValue = $<HTMLSelectElement>('partition-b').value;
    if (a === null) return;
    if (bValue === 'rest') return this.inject({ kind: 'partition', sides: [a], duration: '10m' });
    const b = this.side(bValue);
    if (b === null) return;
    this.inject({ kind: 'partition', sides: [a, b], duration: '10m' });
  }
}
