/**
 * The compiler's refusal: a machine uses something the compiled form cannot reproduce exactly.
 * The message names the machine, the state node and the offending thing, and says what to do.
 */
export class MachineCompileError extends Error {
  override name = 'MachineCompileError';
  constructor(
    readonly machineId: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`cannot compile machine "${machineId}": ${where}: ${problem}`);
  }
}
