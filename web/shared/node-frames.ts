// Binary node frames: per node one byte of state category (protocol.ts NODE_CATEGORY) and one
// byte of version index. The first frame of a session (and after a load, restart or seek) is
// full; later frames carry only the nodes that changed since the last frame sent, so a quiet
// 100k-node fleet costs a few bytes a tick instead of 200 KB.
//
// Layout, little-endian:
//   0  u8  kind (FULL 1, DELTA 2)
//   1  u8  format version (1)
//   2  u16 reserved (0)
//   4  u32 count: nodes in a full frame, changed nodes in a delta
//   8  f64 simulated time, ms
//   16 full:  count bytes of category, then count bytes of version
//      delta: count u32 node indices (ascending), count bytes of category, count bytes of version

export const FRAME_FULL = 1;
export const FRAME_DELTA = 2;
const FORMAT = 1;
export const HEADER_BYTES = 16;

export function fullFrameBytes(nodeCount: number): number {
  return HEADER_BYTES + 2 * nodeCount;
}

export function deltaFrameBytes(changed: number): number {
  return HEADER_BYTES + 6 * changed;
}

function writeHeader(view: DataView, kind: number, count: number, timeMs: number): void {
  view.setUint8(0, kind);
  view.setUint8(1, FORMAT);
  view.setUint16(2, 0, true);
  view.setUint32(4, count, true);
  view.setFloat64(8, timeMs, true);
}

export function encodeFull(category: Uint8Array, version: Uint8Array, timeMs: number): Uint8Array {
  const n = category.length;
  if (version.length !== n) throw new RangeError(`encodeFull: ${n} categories but ${version.length} versions`);
  const out = new Uint8Array(fullFrameBytes(n));
  writeHeader(new DataView(out.buffer), FRAME_FULL, n, timeMs);
  out.set(category, HEADER_BYTES);
  out.set(version, HEADER_BYTES + n);
  return out;
}

/**
 * The nodes whose (category, version) differ from what the browser has (`sentCategory`,
 * `sentVersion`), which are updated to the current values. Returns null when more than
 * `maxChanged` differ (the caller sends a full frame instead: it is smaller then).
 */
export function encodeDelta(
  category: Uint8Array,
  version: Uint8Array,
  sentCategory: Uint8Array,
  sentVersion: Uint8Array,
  timeMs: number,
  maxChanged: number,
): Uint8Array | null {
  const n = category.length;
  let changed = 0;
  for (let i = 0; i < n; i++) if (category[i] !== sentCategory[i] || version[i] !== sentVersion[i]) changed++;
  if (changed > maxChanged) return null;
  const out = new Uint8Array(deltaFrameBytes(changed));
  writeHeader(new DataView(out.buffer), FRAME_DELTA, changed, timeMs);
  const indices = new DataView(out.buffer, HEADER_BYTES, 4 * changed);
  const categoryAt = HEADER_BYTES + 4 * changed;
  const versionAt = categoryAt + changed;
  let k = 0;
  for (let i = 0; i < n && k < changed; i++) {
    if (category[i] === sentCategory[i] && version[i] === sentVersion[i]) continue;
    indices.setUint32(4 * k, i, true);
    out[categoryAt + k] = category[i];
    out[versionAt + k] = version[i];
    sentCategory[i] = category[i];
    sentVersion[i] = version[i];
    k++;
  }
  return out;
}

export interface DecodedFrame {
  kind: typeof FRAME_FULL | typeof FRAME_DELTA;
  timeMs: number;
  /** Nodes written. */
  count: number;
}

/**
 * Applies a node frame to the browser's arrays (sized to the fleet). Throws on a malformed
 * frame: a wrong size, an unknown kind, an index outside the fleet.
 */
export function applyFrame(bytes: Uint8Array, category: Uint8Array, version: Uint8Array): DecodedFrame {
  if (bytes.length < HEADER_BYTES) throw new RangeError(`node frame of ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = view.getUint8(0);
  if (view.getUint8(1) !== FORMAT) throw new RangeError(`node frame format ${view.getUint8(1)} is not ${FORMAT}`);
  const count = view.getUint32(4, true);
  const timeMs = view.getFloat64(8, true);
  const n = category.length;
  if (kind === FRAME_FULL) {
    if (count !== n || bytes.length !== fullFrameBytes(n)) throw new RangeError(`full node frame for ${count} nodes, the fleet has ${n}`);
    category.set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + n));
    version.set(bytes.subarray(HEADER_BYTES + n, HEADER_BYTES + 2 * n));
    return { kind, timeMs, count };
  }
  if (kind !== FRAME_DELTA) throw new RangeError(`unknown node frame kind ${kind}`);
  if (bytes.length !== deltaFrameBytes(count)) throw new RangeError(`delta node frame of ${bytes.length} bytes for ${count} nodes`);
  const categoryAt = HEADER_BYTES + 4 * count;
  const versionAt = categoryAt + count;
  for (let k = 0; k < count; k++) {
    const node = view.getUint32(HEADER_BYTES + 4 * k, true);
    if (node >= n) throw new RangeError(`delta node frame names node ${node}, the fleet has ${n}`);
    category[node] = bytes[categoryAt + k];
    version[node] = bytes[versionAt + k];
  }
  return { kind, timeMs, count };
}
