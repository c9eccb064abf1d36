// The worker thread's side of the pool: receives jobs, runs them one at a time, posts results
// back tagged with the job's index (the pool orders results by index, never by completion).

import { parentPort } from 'node:worker_threads';
import { runJob, ScenarioCache, type RunJob } from './job.ts';

export interface JobMessage {
  index: number;
  job: RunJob;
}

const port = parentPort;
if (port === null) throw new Error('job-worker.ts must run in a worker thread');
const cache = new ScenarioCache();
port.on('message', (message: JobMessage) => {
  const result = runJob(message.job, cache);
  port.postMessage({ index: message.index, result });
});
