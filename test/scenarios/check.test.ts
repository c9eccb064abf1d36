/**
 * The shipped scenarios' expectations (their `expect:` blocks) over seeds, in CI: the real
 * command `fleetsim check scenarios/ --seeds 10` must pass. These blocks are where whole-system
 * regressions show (a rate-limit period doubled, a throttle that ignores its start): a change
 * that breaks one fails here with the scenario, the expectation, the seed and the command that
 * reproduces it. 14 scenarios x 10 seeds take about 25 s on two workers.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetsim, REPO_ROOT } from '../cli/spawn-cli.ts';

export const SHIPPED_CHECK_SEEDS = 10;

describe('fleetsim check scenarios/', () => {
  it(`passes every shipped scenario's expectations and invariants over ${SHIPPED_CHECK_SEEDS} seeds each`, { timeout: 600_000 }, async () => {
    const r = await fleetsim(['check', 'scenarios/', '--seeds', String(SHIPPED_CHECK_SEEDS), '--workers', '2']);
    expect(r.stderr, `fleetsim check scenarios/ failed:\n${r.stdout}\n${r.stderr}`).toMatch(/all \d+ checks passed/);
    expect(r.code, r.stderr).toBe(0);
    // Every shipped scenario was judged (none skipped or silently missing from the table).
    const shipped = readdirSync(join(REPO_ROOT, 'scenarios')).filter((f) => /\.(ya?ml|json)$/.test(f)).length;
    expect(r.stderr).toContain(`${shipped} scenarios x ${SHIPPED_CHECK_SEEDS} seeds = ${shipped * SHIPPED_CHECK_SEEDS} runs`);
  });
});
