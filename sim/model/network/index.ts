export * from './link-random.ts';
export * from './network.ts';
