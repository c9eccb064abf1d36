import { assert, fail } from '../../engine/assert.ts';

/**
 * OS versions as small integers (nodes store an index, not a string), ordered like Flatcar
 * versions: numeric dot-separated fields compared left to right ("3815.2.0" < "3815.2.10"), with
 * the fleet's initial version first whatever its name.
 */
export class VersionTable {
  private readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  private rank: number[] = [];

  constructor(initial: string) {
    this.add(initial);
  }

  get count(): number {
    return this.names.length;
  }

  /** Index of a version, adding it when new. */
  add(name: string): number {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const index = this.names.length;
    this.names.push(name);
    this.byName.set(name, index);
    this.rerank();
    return index;
  }

  indexOf(name: string): number {
    const index = this.byName.get(name);
    if (!(index !== undefined)) fail(`unknown version "${name}"`);
    return index;
  }

  name(index: number): string {
    if (!(index >= 0 && index < this.names.length)) fail(`no version with index ${index}`);
    return this.names[index];
  }

  /** True when version a is newer than version b. */
  newer(a: number, b: number): boolean {
    return this.rank[a] > this.rank[b];
  }

  private rerank(): void {
    const order = this.names.map((_, i) => i);
    order.sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : compareVersions(this.names[a], this.names[b]) || a - b));
    this.rank = new Array<number>(this.names.length);
    order.forEach((index, position) => (this.rank[index] = position));
  }
}

/** Compares dot-separated versions field by field, numerically where both fields are numbers. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}
