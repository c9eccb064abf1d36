export * from './types.ts';
export * from './backoff.ts';
export * from './semaphore-lock.ts';
export * from './locksmith.ts';
export * from './fleetlock.ts';
export * from './ttl-lock.ts';
