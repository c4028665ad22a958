/**
 * `edx client ...`: the exchange API as an agency system speaks it, from a shell, to check an integration before
 * writing code (docs/client.md). Every request is signed like a DMS signs it (docs/auth.md); the answer is JSON on
 * stdout; the exit code says what happened (src/cli/client/client-run.ts).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { createAgencyClient } from '../../http/rest/agency-client.js';
import { downloadPackage, uploadPackageFile } from '../../http/rest/agency-transfer.js';
import { answer, ClientError, EXIT, runClient, writeJson, type ExitCode } from '../client/client-run.js';
import { axisUrl, clientSettings, type ClientFlags } from '../client/client-settings.js';
import { transferProgress } from '../client/transfer-progress.js';

function whole(name: string, text: string | undefined, min: number, max: number): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ClientError('CLIENT_ARGUMENT_INVALID', `${name} must be a whole number from ${min} to ${max}.`, EXIT.usage);
  }
  return text;
}

/** The path with its query, exactly as it will be signed and sent. */
function withQuery(base: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

const segment = (value: string) => encodeURIComponent(value);

async function get(flags: ClientFlags, pathAndQuery: string): Promise<ExitCode> {
  return answer(await createAgencyClient(clientSettings(flags)).request('GET', pathAndQuery));
}

async function send(flags: ClientFlags, file: string, quiet: boolean): Promise<ExitCode> {
  const settings = clientSettings(flags);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new ClientError('CLIENT_FILE_UNREADABLE', `${file} is not a file that can be read.`, EXIT.usage);
  const name = path.basename(file);
  return answer(await uploadPackageFile(settings, file, { hashing: transferProgress('hashing', name, quiet), uploading: transferProgress('uploading', name, quiet) }));
}

async function fetchTo(flags: ClientFlags, packageId: string, file: string, opts: { force: boolean; quiet: boolean }): Promise<ExitCode> {
  const settings = clientSettings(flags);
  const target = path.resolve(file);
  // Checked before the download: a download is evidence (a `fetched` receipt), not something to throw away.
  if (!opts.force && await stat(target).then(() => true, () => false)) {
    throw new ClientError('CLIENT_FILE_EXISTS', `${file} exists: choose another file, or --force to replace it.`, EXIT.usage);
  }
  // Written aside, readable by the owner only, and renamed over the target once the bytes are the vouched ones.
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.part`);
  const handle = await open(partial, 'wx', 0o600).catch((error: Error) => {
    throw new ClientError('CLIENT_FILE_UNWRITABLE', `${path.dirname(target)} cannot take the file: ${error.message}`, EXIT.usage);
  });
  // The stream closes the file when the download ends (or is destroyed); a FileHandle with a stream still open on it
  // would wait for that stream forever on close().
  const sink = handle.createWriteStream();
  // Its failures reach us through the download's result; an 'error' event without a listener would end the process.
  sink.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => sink.once('close', () => resolve()));
  let kept = false;
  try {
    const result = await downloadPackage(settings, packageId, sink, transferProgress('downloading', packageId, opts.quiet));
    if (result.refused) return answer(result.refused);
    const got = result.received!;
    if (got.cut !== undefined) {
      throw new ClientError('CLIENT_DOWNLOAD_INCOMPLETE', `The download of ${packageId} stopped after ${got.size} bytes (${got.cut}); nothing was kept: fetch it again.`, EXIT.unavailable);
    }
    if (got.contentLength !== undefined && got.size !== got.contentLength) {
      throw new ClientError('CLIENT_DOWNLOAD_INCOMPLETE', `${got.size} of ${got.contentLength} bytes of ${packageId} arrived; nothing was kept: fetch it again.`, EXIT.unavailable);
    }
    if (got.etag !== got.sha256) {
      throw new ClientError('CLIENT_DIGEST_MISMATCH', `The bytes received (SHA-256 ${got.sha256}) are not the package the axis vouched for (ETag ${got.etag ?? 'absent'}); nothing was kept.`, EXIT.integrity);
    }
    await closed;
    await durable(partial);
    await rename(partial, target);
    kept = true;
    writeJson({ packageId, file: target, size: got.size, sha256: got.sha256, etagVerified: true });
    return EXIT.done;
  } finally {
    sink.destroy();
    await closed;
    if (!kept) await rm(partial, { force: true });
  }
}

/** On disk before it takes the target's name: a crash right after must not leave a named, empty or partial file. */
async function durable(file: string): Promise<void> {
  const again = await open(file, 'r+');
  try {
    await again.sync();
  } finally {
    await again.close();
  }
}

export function registerClientCommands(program: Command): void {
  const client = program.command('client')
    .description('Talk to an axis as an agency system does (signed requests, JSON out): check an integration before writing code')
    .option('--url <url>', 'the axis, e.g. https://axis.example (or EDX_URL)')
    .option('--key-id <keyId>', 'the key id issued with the credentials (or EDX_KEY_ID); the secret only from EDX_SECRET')
    // Declared only to refuse it with a clear message: commander would otherwise echo an unknown option's value.
    .addOption(new Option('--secret <secret>').hideHelp())
    // A wrong command line is exit 2 (usage), as for every other problem with the command itself.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT.usage))
    .addHelpText('after', '\nExit codes: 0 done, 1 refused by the axis, 2 bad command or settings, 3 axis unavailable (try again later), 4 bytes not the ones the axis vouched for.');
  const flags = (): ClientFlags => client.opts<ClientFlags>();

  client.command('send').argument('<file>', 'an edXML package').option('-q, --quiet', 'no progress on stderr')
    .description('Send a package (POST /v1/packages); prints the receipt')
    .action((file: string, opts: { quiet?: boolean }) => runClient(() => send(flags(), file, opts.quiet === true)));
  client.command('inbox').option('--after <cursor>', 'continue after this cursor (nextCursor of the previous page)').option('--limit <n>', 'how many (1..500)')
    .description('What waits for this agency (GET /v1/inbox)')
    .action((opts: { after?: string; limit?: string }) => runClient(() => get(flags(), withQuery('/v1/inbox', { after: whole('--after', opts.after, 0, Number.MAX_SAFE_INTEGER), limit: whole('--limit', opts.limit, 1, 500) }))));
  client.command('fetch').argument('<packageId>').requiredOption('-o, --output <file>', 'where to write the package (mode 0600)')
    .option('--force', 'replace the file if it exists').option('-q, --quiet', 'no progress on stderr')
    .description('Download a package byte for byte, checked against its ETag (GET /v1/packages/:id)')
    .action((id: string, opts: { output: string; force?: boolean; quiet?: boolean }) => runClient(() => fetchTo(flags(), id, opts.output, { force: opts.force === true, quiet: opts.quiet === true })));
  client.command('ack').argument('<packageId>').description('Acknowledge a package received (POST /v1/packages/:id/ack)')
    .action((id: string) => runClient(async () => answer(await createAgencyClient(clientSettings(flags())).request('POST', `/v1/packages/${segment(id)}/ack`))));
  client.command('report').argument('<packageId>').description('A package\'s summary, signature report and deliveries (GET /v1/packages/:id/report)')
    .action((id: string) => runClient(() => get(flags(), `/v1/packages/${segment(id)}/report`)));
  client.command('timeline').argument('<documentId>').option('--from <organId>', 'the agency that sent the document (a DocumentId is unique per sender only)')
    .description('Everything about one document (GET /v1/documents/:documentId/timeline)')
    .action((documentId: string, opts: { from?: string }) => runClient(() => get(flags(), withQuery(`/v1/documents/${segment(documentId)}/timeline`, { from: opts.from }))));
  client.command('receipts').option('--type <type>', 'only this receipt type (accepted, rejected, fetched, ...)').option('--after <cursor>', 'continue after this cursor').option('--limit <n>', 'how many (1..500; 1..200 with --proofs)')
    .option('--proofs', 'each receipt with its inclusion proof (GET /v1/ledger/receipts): save it and check it with edx receipt verify')
    .description('This agency\'s signed receipts, oldest first (GET /v1/receipts)')
    .action((opts: { type?: string; after?: string; limit?: string; proofs?: boolean }) => runClient(() => {
      const after = whole('--after', opts.after, 0, Number.MAX_SAFE_INTEGER);
      if (opts.proofs) {
        if (opts.type !== undefined) throw new ClientError('CLIENT_ARGUMENT_INVALID', '--type cannot be combined with --proofs: the list with proofs holds every receipt of the agency.', EXIT.usage);
        return get(flags(), withQuery('/v1/ledger/receipts', { after, limit: whole('--limit', opts.limit, 1, 200) }));
      }
      return get(flags(), withQuery('/v1/receipts', { type: opts.type, after, limit: whole('--limit', opts.limit, 1, 500) }));
    }));
  client.command('certificates').description('The certificates that sign receipts and pushes (GET /v1/axis/certificates; needs no key)')
    .action(() => runClient(async () => {
      const baseUrl = axisUrl(flags());
      const res = await fetch(`${baseUrl}/v1/axis/certificates`);
      const type = res.headers.get('content-type') ?? '';
      return answer({ status: res.status, headers: res.headers, body: type.includes('json') ? await res.json() as unknown : Buffer.from(await res.arrayBuffer()) });
    }));
}
