/**
 * `edx admin system ...`: the connected systems that speak the government SDK's protocol (docs/vdxp.md). A new or
 * rotated secret is printed once, as JSON (`systemId`, `secret`), to go into the SDK's `secret` setting.
 */
import type { Command } from 'commander';
import { withStore } from './with-store.js';

const agencyList = (text: string): string[] => text.split(',').map((code) => code.trim()).filter((code) => code.length > 0);

export function registerSystemCommands(admin: Command): void {
  const system = admin.command('system').description('Connected systems (the government SDK\'s clients) and the agencies each acts for');
  system.command('add').argument('<systemId>', 'the SDK\'s systemid, e.g. vxp.saas.03')
    .requiredOption('--agencies <codes>', 'comma-separated OrganIds the system acts for')
    .description('Register a connected system and print its secret (shown once)')
    .action(async (systemId: string, opts: { agencies: string }) => withStore(async (axis) => {
      const { system: view, credentials } = await axis.systems.addSystem({ systemId, agencies: agencyList(opts.agencies) });
      return { systemId: credentials.systemId, secret: credentials.secret, system: view };
    }));
  system.command('list').description('List connected systems (no secrets)').action(async () => withStore((axis) => axis.systems.listSystems()));
  system.command('suspend').argument('<systemId>').description('Refuse the system\'s requests until resumed')
    .action(async (systemId: string) => withStore((axis) => axis.systems.suspend(systemId)));
  system.command('resume').argument('<systemId>').description('Accept the system\'s requests again')
    .action(async (systemId: string) => withStore((axis) => axis.systems.resume(systemId)));
  system.command('rotate-secret').argument('<systemId>').description('Issue a new secret (printed once); the old one stops working at once')
    .action(async (systemId: string) => withStore(async (axis) => {
      const { system: view, credentials } = await axis.systems.rotateSecret(systemId);
      return { systemId: credentials.systemId, secret: credentials.secret, system: view };
    }));
  system.command('set-agencies').argument('<systemId>').argument('<codes>', 'comma-separated OrganIds')
    .description('Replace the agencies the system acts for')
    .action(async (systemId: string, codes: string) => withStore((axis) => axis.systems.setAgencies(systemId, agencyList(codes))));
}
