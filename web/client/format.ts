// Simulated durations for people: 950ms, 42s, 3m20s, 5h07m, 2d04h.

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad(h % 24)}h`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatSpeed(x: number): string {
  if (x >= 1000) return `${(x / 1000).toFixed(x >= 10_000 ? 0 : 1)}kx`;
  return `${x >= 10 ? Math.round(x) : x.toFixed(1)}x`;
}
