export * from './cluster.ts';
export * from './kv.ts';
export * from './store.ts';
export * from './metrics.ts';
export * from './lessor.ts';
export * from './locks/index.ts';
