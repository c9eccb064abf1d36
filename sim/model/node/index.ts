// The node's machines (update_engine, power and boot, reboot manager) and the pure modules they
// are built from. Re-exports only.
export * from './check-schedule.ts';
export * from './gptprio.ts';
export * from './omaha.ts';
export * from './update-engine.ts';
export * from './boot.ts';
export * from './reboot-manager.ts';
export * from './machines.ts';
