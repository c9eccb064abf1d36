// Parsing the browser's commands (protocol.ts `Command`): JSON text -> a checked command, or a
// message saying what was wrong. Faults and actions are checked here for shape only (a mapping);
// their content is checked by the scenario schema when the session injects them.

import { z } from 'zod';
import { COMMAND_TYPES, SPEED_MAX, SPEED_MIN, type Command } from '../shared/protocol.ts';

const id = { id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() };
const seed = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const mapping = z.record(z.string(), z.unknown());

const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...id,
    type: z.literal('load'),
    // A file of scenarios/ by name (no path), or inline YAML; one of the two.
    scenario: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a scenario name (letters, digits, . _ -)').optional(),
    yaml: z.string().max(1_000_000).optional(),
    seed: seed.optional(),
  }),
  z.strictObject({ ...id, type: z.literal('play') }),
  z.strictObject({ ...id, type: z.literal('pause') }),
  z.strictObject({ ...id, type: z.literal('step') }),
  z.strictObject({ ...id, type: z.literal('speed'), x: z.number().min(SPEED_MIN).max(SPEED_MAX) }),
  z.strictObject({ ...id, type: z.literal('seek'), timeMs: z.number().min(0).max(Number.MAX_SAFE_INTEGER) }),
  z.strictObject({ ...id, type: z.literal('restart'), seed: seed.optional() }),
  z.strictObject({ ...id, type: z.literal('inject'), fault: mapping }),
  z.strictObject({ ...id, type: z.literal('action'), action: mapping }),
  z.strictObject({ ...id, type: z.literal('export') }),
  z.strictObject({ ...id, type: z.literal('report') }),
  z.strictObject({ ...id, type: z.literal('inspect'), node: z.number().int().min(0) }),
  z.strictObject({ ...id, type: z.literal('skip-quiet'), on: z.boolean() }),
]);

export type ParsedCommand = { ok: true; command: Command } | { ok: false; message: string; id?: number; command?: string };

export function parseCommand(text: string): ParsedCommand {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `malformed JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'expected a JSON object like {"type": "play"}' };
  }
  const record = value as Record<string, unknown>;
  const echoId = typeof record.id === 'number' && Number.isSafeInteger(record.id) ? record.id : undefined;
  const type = record.type;
  if (typeof type !== 'string' || !(COMMAND_TYPES as readonly string[]).includes(type)) {
    return { ok: false, id: echoId, message: `unknown command ${JSON.stringify(type ?? null)}; expected one of ${COMMAND_TYPES.join(', ')}` };
  }
  const parsed = commandSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    return { ok: false, id: echoId, command: type, message: `bad ${type} command: ${issues.join('; ')}` };
  }
  const command = parsed.data as Command;
  if (command.type === 'load' && (command.scenario === undefined) === (command.yaml === undefined)) {
    return { ok: false, id: echoId, command: type, message: 'bad load command: give either scenario (a name) or yaml (the text)' };
  }
  return { ok: true, command };
}
