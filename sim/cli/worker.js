// Worker thread entry: plain JavaScript so that Node can start it without a build step. Loader
// hooks registered by the main thread do not reach workers, so each worker registers tsx itself
// before importing the TypeScript side.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker.ts');
