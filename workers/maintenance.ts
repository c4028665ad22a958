/** Entry point: the maintenance worker (sweeper, retention, refresh hooks) as its own process. */
import { runWorkerProcess } from './run-worker-process.js';

await runWorkerProcess('maintenance');
