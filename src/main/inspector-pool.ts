/**
 * Package inspection on worker threads (INSPECT_THREADS). The edXML check and the XMLDSig verification are the
 * largest CPU cost of accepting a package and need nothing but its bytes, so they run beside the event loop, which
 * keeps the HTTP, authentication and store work: on two cores the gateway then uses both, in one process and on one
 * SQLite connection (two gateway processes on one embedded store cost more CPU per package than they gain).
 *
 * A thread that dies (a bug, memory exhausted by a hostile package) fails only the inspections it held, with
 * INSPECTOR_FAILED, and is replaced; the gateway keeps serving.
 */
import { Worker } from 'node:worker_threads';
import { AxisError } from '../errors/axis-error.js';
import type { InspectedPackage, InspectOptions, PackageInspector } from '../exchange/ports/package-inspector.js';
import type { CertificateValidator } from '../pki/types.js';
import { flatten, revive, type FromThread, type InspectorThreadData, type ToThread } from './inspector-protocol.js';

export interface InspectorPoolOptions extends InspectorThreadData {
  threads: number;
  /** The process's validator (with its verdict cache): threads ask it for chain and revocation verdicts. */
  validator: CertificateValidator;
  /** Told when a thread dies unexpectedly (it is replaced). */
  onThreadError?: (error: Error) => void;
  /** The thread's script (default inspector-thread next to this file); tests hand in one that can be made to die. */
  threadEntry?: URL;
}

export interface InspectorPool extends PackageInspector {
  readonly threads: number;
  /** Ends the threads; inspections still running fail with INSPECTOR_FAILED. */
  close(): Promise<void>;
  /** The trust anchors changed: every thread forgets the verdicts it reuses, before its next package. */
  forgetVerdicts(): void;
}

interface Pending {
  resolve: (result: InspectedPackage) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** The thread loaded its modules and said so: a thread that dies before that is not restarted at once. */
  ready: boolean;
  exited: boolean;
}

/** Restart delays for a thread that cannot even start (a broken install): 0.5 s doubling to a minute. */
const START_RETRY_MS = 500;
const START_RETRY_MAX_MS = 60_000;

/**
 * Compiled (dist/*.js) the thread is the sibling file; run from TypeScript sources (vitest, tsx) it is loaded through
 * tsx's loader, which a worker thread does not inherit from its parent.
 */
function spawnThread(data: InspectorThreadData, entry: URL | undefined): Worker {
  const here = import.meta.url;
  const script = entry ?? new URL(here.endsWith('.ts') ? './inspector-thread.ts' : './inspector-thread.js', here);
  if (script.pathname.endsWith('.ts')) {
    return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`, { eval: true, workerData: data });
  }
  return new Worker(script, { workerData: data });
}

export function createInspectorPool(options: InspectorPoolOptions): InspectorPool {
  const data: InspectorThreadData = { limits: options.limits, ...(options.profile ? { profile: options.profile } : {}), policy: options.policy, checkDocuments: options.checkDocuments };
  const threads: Thread[] = [];
  const failedStarts: number[] = [];
  let nextId = 0;
  let closed = false;

  const failAll = (thread: Thread, error: Error): void => {
    for (const pending of thread.pending.values()) pending.reject(error);
    thread.pending.clear();
  };

  const answerValidation = (thread: Thread, message: Extract<FromThread, { type: 'validate' }>): void => {
    const reply = (answer: ToThread): void => {
      if (threads.includes(thread)) thread.worker.postMessage(answer);
    };
    options.validator.validate(message.signer, message.intermediates, message.policy).then(
      (report) => reply({ type: 'validated', id: message.id, report }),
      (error: unknown) => reply({ type: 'validate-failed', id: message.id, error: flatten(error) }),
    );
  };

  const start = (slot: number): void => {
    const thread: Thread = { worker: spawnThread(data, options.threadEntry), pending: new Map(), ready: false, exited: false };
    threads[slot] = thread;
    // An idle pool does not keep the process alive; a thread holding inspections does (see inspect).
    thread.worker.unref();
    thread.worker.on('message', (message: FromThread) => {
      if (message.type === 'validate') return answerValidation(thread, message);
      if (message.type === 'ready') {
        thread.ready = true;
        failedStarts[slot] = 0;
        return;
      }
      const pending = thread.pending.get(message.id);
      thread.pending.delete(message.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if (message.type === 'inspected') pending?.resolve(message.result);
      else pending?.reject(revive(message.error));
    });
    thread.worker.on('error', (error) => options.onThreadError?.(error));
    thread.worker.on('exit', (exitCode) => {
      thread.exited = true;
      failAll(thread, new AxisError('INSPECTOR_FAILED', `The package inspector thread stopped (exit code ${exitCode}) while checking this package: nothing was stored; send it again.`, { exitCode }));
      if (closed || threads[slot] !== thread) return;
      if (thread.ready) return start(slot);
      const failures = (failedStarts[slot] ?? 0) + 1;
      failedStarts[slot] = failures;
      setTimeout(() => {
        if (!closed && threads[slot] === thread) start(slot);
      }, Math.min(START_RETRY_MAX_MS, START_RETRY_MS * 2 ** (failures - 1))).unref();
    });
  };

  for (let slot = 0; slot < options.threads; slot++) start(slot);

  return {
    threads: options.threads,
    forgetVerdicts() {
      for (const thread of threads) if (!thread.exited) thread.worker.postMessage({ type: 'forget-verdicts' } satisfies ToThread);
    },
    inspect(bytes: Uint8Array, inspectOptions: InspectOptions = {}): Promise<InspectedPackage> {
      if (closed) return Promise.reject(new AxisError('INSPECTOR_FAILED', 'The package inspector is shut down: the gateway is stopping.'));
      // The least busy thread: a 30 MiB package on one thread does not hold up the small ones behind it.
      let thread: Thread | undefined;
      for (const t of threads) if (!t.exited && (!thread || t.pending.size < thread.pending.size)) thread = t;
      if (!thread) {
        return Promise.reject(new AxisError('INSPECTOR_FAILED', 'No package inspector thread is running (they fail to start; see the error log): nothing was stored; send the package again later.'));
      }
      const chosen = thread;
      const id = ++nextId;
      // Cloning a view clones its whole ArrayBuffer: hand over just the package's bytes. Bytes the caller is done
      // with are moved, not copied (a 30 MiB package is not held twice).
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const own = whole ? bytes : new Uint8Array(bytes);
      const transfer = own !== bytes || inspectOptions.disposable ? [own.buffer as ArrayBuffer] : [];
      return new Promise<InspectedPackage>((resolve, reject) => {
        if (chosen.pending.size === 0) chosen.worker.ref();
        chosen.pending.set(id, { resolve, reject });
        chosen.worker.postMessage({ type: 'inspect', id, bytes: own } satisfies ToThread, transfer);
      });
    },
    async close(): Promise<void> {
      closed = true;
      for (const t of threads) failAll(t, new AxisError('INSPECTOR_FAILED', 'The package inspector is shut down: the gateway is stopping.'));
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
