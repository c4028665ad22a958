/**
 * `edx admin ...`: operator commands acting on the same store as the server (DATA_DIR / MONGODB_URL via src/config).
 * Output is JSON on stdout; errors are one line on stderr with the stable code, exit 1 (exit 2 for configuration).
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { AxisError } from '../../errors/axis-error.js';
import { DEAD_LETTER_PAGE_MAX, listDeadLetters } from '../../exchange/delivery/dead-letters.js';
import { openDeliveryAdmin } from '../../main/composition-root.js';
import { DEFAULT_SIGNATURE_POLICY, DELIVERY_STATES, SIGNATURE_POLICIES, type DeliveryState } from '../../exchange/model/index.js';
import { deliveryViewOf } from '../../exchange/package-views.js';
import { registerSystemCommands } from './admin-systems.js';
import { withStore } from './with-store.js';

function parseDeliveryState(text: string): DeliveryState {
  if (!(DELIVERY_STATES as readonly string[]).includes(text)) throw new AxisError('CLI_ARGUMENT_INVALID', `--state must be one of ${DELIVERY_STATES.join(', ')}.`);
  return text as DeliveryState;
}

function parseWhole(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new AxisError('CLI_ARGUMENT_INVALID', `${name} must be a whole number from ${min} to ${max}.`);
  return value;
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Operate the axis: agencies, connected systems, dead-letter deliveries');
  const agency = admin.command('agency').description('The agency registry');

  agency
    .command('add')
    .argument('<code>', 'OrganId (agency code)')
    .requiredOption('--name <name>', 'agency name')
    .option('--parent <code>', 'parent agency OrganId')
    .option('--endpoint <url>', 'push delivery endpoint (omit for pull delivery)')
    .option('--signature-policy <policy>', `what its packages must carry: ${SIGNATURE_POLICIES.join('|')} (default ${DEFAULT_SIGNATURE_POLICY})`)
    .description('Register an agency and print its credentials (shown once)')
    .action(async (code: string, opts: { name: string; parent?: string; endpoint?: string; signaturePolicy?: string }) =>
      withStore((axis) => axis.agencies.addAgency({
        organId: code, name: opts.name,
        ...(opts.parent ? { parent: opts.parent } : {}),
        ...(opts.endpoint ? { endpointUrl: opts.endpoint } : {}),
        ...(opts.signaturePolicy ? { signaturePolicy: opts.signaturePolicy } : {}),
      })));
  agency.command('set').argument('<code>')
    .requiredOption('--signature-policy <policy>', `what its packages must carry: ${SIGNATURE_POLICIES.join('|')}`)
    .description('Change an agency\'s settings')
    .action(async (code: string, opts: { signaturePolicy: string }) => withStore((axis) => axis.agencies.setSignaturePolicy(code, opts.signaturePolicy)));

  agency.command('list').description('List agencies (no secrets)').action(async () => withStore((axis) => axis.agencies.listAgencies()));
  agency.command('suspend').argument('<code>').description('Refuse the agency\'s requests until resumed')
    .action(async (code: string) => withStore((axis) => axis.agencies.suspend(code)));
  agency.command('resume').argument('<code>').description('Accept the agency\'s requests again (its held deliveries go out at once)')
    .action(async (code: string) => withStore(async (axis) => {
      const resumed = await axis.agencies.resume(code);
      // Best effort, as in the API: without Redis the held deliveries go out at their next recheck instead.
      try {
        const admin = await openDeliveryAdmin(loadConfig(), axis);
        try {
          await admin.deliveries.wakeHeld(code);
        } finally {
          await admin.close();
        }
      } catch (error) {
        process.stderr.write(`edx: warning: held deliveries not woken now (${(error as Error).message}); they go out at their next recheck\n`);
      }
      return resumed;
    }));
  agency.command('rotate-key').argument('<code>').description('Issue a new key (printed once); older keys stay valid for the grace period')
    .action(async (code: string) => withStore((axis) => axis.agencies.rotateKey(code)));
  agency.command('revoke-key').argument('<key-id>', 'the key id to refuse from now on, e.g. 000.00.00.G22:0123456789abcdef')
    .description('Revoke one key at once (a compromised secret); the agency\'s other keys stay')
    .action(async (keyId: string) => withStore((axis) => axis.agencies.revokeKey(keyId)));
  agency.command('add-certificate').argument('<code>').argument('<sha256>', 'SHA-256 fingerprint of the agency certificate')
    .description('Tie a signing certificate to the agency')
    .action(async (code: string, sha256: string) => withStore((axis) => axis.agencies.registerCertificate(code, sha256)));

  registerSystemCommands(admin);

  admin.command('deliveries').description('List deliveries by state (dead letters: --state dead), oldest first; a full page prints on stderr the --after for the next')
    .option('--state <state>', 'delivery state', 'dead')
    .option('--limit <n>', `how many (1..${DEAD_LETTER_PAGE_MAX})`, '100')
    .option('--after <seq>', 'continue after this delivery seq (the cursor printed with the previous page)')
    .action(async (opts: { state: string; limit: string; after?: string }) => withStore(async (axis) => {
      const state = parseDeliveryState(opts.state);
      const limit = parseWhole('--limit', opts.limit, 1, DEAD_LETTER_PAGE_MAX);
      const after = opts.after === undefined ? undefined : parseWhole('--after', opts.after, 0, Number.MAX_SAFE_INTEGER);
      // Reads the store only: an operator lists dead letters during a Redis outage too.
      const page = state === 'dead'
        ? await listDeadLetters(axis.store, { limit, ...(after !== undefined ? { after } : {}) })
        : await (async () => {
          const records = await axis.store.listDeliveries({ states: [state], limit, ...(after !== undefined ? { after } : {}) });
          // The API's names (deliveryId, packageId, recipient), as a report shows a delivery; the cursor beside them.
          const items = records.map((d) => ({ ...deliveryViewOf(d), seq: d.seq }));
          return { items, ...(records.length === limit ? { nextCursor: records[records.length - 1]!.seq } : {}) };
        })();
      if (page.nextCursor !== undefined) process.stderr.write(`edx: more may follow: --after ${page.nextCursor}\n`);
      return page.items;
    }));
  admin.command('replay').argument('<deliveryId>').description('Replay a dead-lettered delivery')
    .action(async (id: string) => withStore(async (axis) => {
      const admin = await openDeliveryAdmin(loadConfig(), axis);
      try {
        return await admin.deliveries.replay(id);
      } finally {
        await admin.close();
      }
    }));
}
