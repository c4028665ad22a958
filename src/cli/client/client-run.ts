/**
 * How `edx client` talks to a person and to a script: JSON on stdout (the axis's answer, or its problem), one line on
 * stderr for a person when something went wrong, and an exit code a script can branch on (docs/client.md):
 * 0 done; 1 the axis refused the request (a verdict: change it before sending again); 2 the command itself is wrong
 * (arguments, settings, files); 3 the axis could not answer now (unreachable, 5xx, 429, a lost race): the same command
 * may succeed later; 4 the bytes received are not the bytes the axis vouched for (nothing was kept).
 */
import { AxisError, isAxisError } from '../../errors/axis-error.js';
import type { ApiReply } from '../../http/rest/agency-client.js';
import { restRetryForCode } from '../../http/rest/error-status.js';

export const EXIT = { done: 0, refused: 1, usage: 2, unavailable: 3, integrity: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class ClientError extends AxisError {
  constructor(code: string, message: string, readonly exitCode: ExitCode) {
    super(code, message);
  }
}

export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

function say(line: string): void {
  process.stderr.write(`edx: ${line}\n`);
}

/** Prints the axis's answer and says which exit code it means. */
export function answer(reply: ApiReply): ExitCode {
  writeJson(Buffer.isBuffer(reply.body) ? { status: reply.status, body: reply.body.toString('utf8') } : reply.body);
  if (reply.status < 400) return EXIT.done;
  const problem = (Buffer.isBuffer(reply.body) ? {} : reply.body) as { code?: unknown; detail?: unknown };
  const code = typeof problem.code === 'string' ? problem.code : `HTTP_${reply.status}`;
  say(`${code}: ${typeof problem.detail === 'string' ? problem.detail : `the axis answered ${reply.status}`}`);
  const retryAfter = reply.headers.get('retry-after');
  if (retryAfter) say(`the axis asks to wait ${retryAfter} s before sending this again`);
  return reply.status >= 500 || reply.status === 429 || restRetryForCode(code).retryable ? EXIT.unavailable : EXIT.refused;
}

/** A network failure, in a clerk's words (fetch hides the reason in `cause`). */
function unreachable(error: unknown): ClientError | undefined {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = (error as { code?: string }).code ?? cause?.code;
  if (error instanceof TypeError || (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code))) {
    return new ClientError('CLIENT_UNREACHABLE', `The axis cannot be reached (${code ?? cause?.message ?? (error as Error).message}): check --url / EDX_URL and the network, then try again.`, EXIT.unavailable);
  }
  return undefined;
}

/** Runs one command: its exit code, or the one its failure means, set on the process. */
export async function runClient(action: () => Promise<ExitCode>): Promise<void> {
  // Until the action settles: a process that ended with its work still pending must not look like a success.
  process.exitCode = EXIT.unavailable;
  try {
    process.exitCode = await action();
  } catch (error) {
    const known = error instanceof ClientError ? error : unreachable(error);
    if (known) {
      say(`${known.code}: ${known.message}`);
      process.exitCode = known.exitCode;
      return;
    }
    say(isAxisError(error) ? `${error.code}: ${error.message}` : `unexpected failure: ${(error as Error).message}`);
    process.exitCode = EXIT.unavailable;
  }
}
