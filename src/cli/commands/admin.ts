/**
 * `edx admin ...`: operator commands acting on the same store as the server (DATA_DIR / MONGODB_URL via src/config).
 * Output is JSON on stdout; errors are one line on stderr with the stable code, exit 1 (exit 2 for configuration).
 */
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config.js';
import { isAxisError } from '../../errors/axis-error.js';
import { openAxisStore, type AxisStore } from '../../main/open-axis-store.js';
import { openDeliveryAdmin } from '../../main/delivery-admin.js';

async function withStore(action: (axis: AxisStore) => Promise<unknown>): Promise<void> {
  let axis: AxisStore | undefined;
  try {
    axis = await openAxisStore(loadConfig());
    const result = await action(axis);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } catch (error) {
    process.stderr.write(isAxisError(error) ? `edx: ${error.code}: ${error.message}\n` : `edx: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
  } finally {
    await axis?.store.close();
  }
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Operate the axis: agencies, dead-letter deliveries');
  const agency = admin.command('agency').description('The agency registry');

  agency
    .command('add')
    .argument('<code>', 'OrganId (up to 35 characters of A-Z, 0-9 and .)')
    .requiredOption('--name <name>', 'agency name')
    .option('--parent <code>', 'parent agency OrganId')
    .option('--endpoint <url>', 'push delivery endpoint (omit for pull delivery)')
    .description('Register an agency and print its credentials (shown once)')
    .action(async (code: string, opts: { name: string; parent?: string; endpoint?: string }) =>
      withStore((axis) => axis.agencies.addAgency({
        organId: code, name: opts.name,
        ...(opts.parent ? { parent: opts.parent } : {}),
        ...(opts.endpoint ? { endpointUrl: opts.endpoint } : {}),
      })));

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
  agency.command('add-certificate').argument('<code>').argument('<sha256>', 'SHA-256 fingerprint of the agency certificate')
    .description('Tie a signing certificate to the agency')
    .action(async (code: string, sha256: string) => withStore((axis) => axis.agencies.registerCertificate(code, sha256)));

  admin.command('deliveries').description('List deliveries by state (dead letters: --state dead)')
    .option('--state <state>', 'delivery state', 'dead')
    .option('--limit <n>', 'how many', '100')
    .action(async (opts: { state: string; limit: string }) => withStore(async (axis) => {
      if (opts.state !== 'dead') return axis.store.listDeliveries({ states: [opts.state as 'dead'], limit: Number(opts.limit) });
      const admin = await openDeliveryAdmin(loadConfig(), axis);
      try {
        return await admin.deliveries.listDead({ limit: Number(opts.limit) });
      } finally {
        await admin.close();
      }
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
