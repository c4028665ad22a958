/** Entry point: the delivery worker as its own process (`node dist/workers/delivery.js`, or `tsx workers/delivery.ts`). */
import { runWorkerProcess } from './run-worker-process.js';

await runWorkerProcess('delivery');
