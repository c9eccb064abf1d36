export * from './types.ts';
export * from './log.ts';
export * from './quorum.ts';
export * from './roles.ts';
export * from './replication.ts';
export * from './read-index.ts';
export * from './election.ts';
export * from './raft.ts';
