/**
 * Progress of a large upload or download on stderr, for the person watching: a line at each tenth, so a script's log
 * stays short and a terminal shows the transfer moving. Small transfers say nothing.
 */
import type { Progress } from '../../http/rest/agency-transfer.js';

/** Below this, a transfer is over before a person would read a progress line. */
export const PROGRESS_FROM_BYTES = 1024 * 1024;

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

export function transferProgress(verb: string, what: string, quiet: boolean, out: NodeJS.WritableStream = process.stderr): Progress | undefined {
  if (quiet) return undefined;
  let shown = -1;
  return (done, total) => {
    if (total === undefined || total < PROGRESS_FROM_BYTES) return;
    const tenth = Math.floor((done / total) * 10);
    if (tenth <= shown) return;
    shown = tenth;
    out.write(`edx: ${verb} ${what}: ${mib(done)} of ${mib(total)} MiB (${tenth * 10}%)\n`);
  };
}
