/**
 * How many TCP segments carrying data a Redis client has sent on its connection, as the kernel counts them
 * (TCP_INFO data_segs_out, read with iproute2's `ss`): what went on the wire, seen from outside the client. With
 * TCP_NODELAY (ioredis's default) every write of a few commands leaves as one segment, so the count is the number
 * of writes. A proxy in the test process could not tell: it reads only once the client's turn is over, when the
 * writes of that turn have already merged in its receive buffer.
 */
import { execFileSync } from 'node:child_process';
import type { Redis } from 'ioredis';

/** Starts counting now; the returned function tells how many data segments the client has sent since. */
export async function countSentSegments(redis: Redis): Promise<() => number> {
  // The connection as Redis sees it: addr is the client's end (CLIENT INFO, Redis 6.2+).
  const info = String(await redis.client('INFO'));
  const port = /\baddr=127\.0\.0\.1:(\d+)/.exec(info)?.[1];
  if (!port) throw new Error(`not a connection over 127.0.0.1: ${info}`);
  const sent = (): number => {
    const line = execFileSync('ss', ['-t', '-i', '-n', '-H', 'src', `127.0.0.1:${port}`], { encoding: 'utf8' });
    const count = /\bdata_segs_out:(\d+)/.exec(line)?.[1];
    if (count === undefined) throw new Error(`ss shows no data_segs_out for 127.0.0.1:${port}: ${line || '(no such connection)'}`);
    return Number(count);
  };
  const before = sent();
  return () => sent() - before;
}
