/** Runs an agency client (ours or the Python one) as a child process, collecting what it prints. */
import { spawn } from 'node:child_process';

export interface ClientRun { code: number | null; stdout: string; stderr: string; json: unknown }

/** Asynchronous on purpose: the gateway the client talks to runs in the test's own process. */
export function runClient(command: string, args: readonly string[], env: Record<string, string>): Promise<ClientRun> {
  const child = spawn(command, args, { env: { PATH: process.env['PATH'] ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      let json: unknown;
      try { json = JSON.parse(stdout); } catch { json = undefined; }
      resolve({ code, stdout, stderr, json });
    });
  });
}
