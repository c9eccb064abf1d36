export * from './assert.ts';
export * from './event-queue.ts';
export * from './simulation.ts';
export * from './clock.ts';
export * from './random.ts';
export * from './hash.ts';
export * from './hasher.ts';
export * from './trace.ts';
