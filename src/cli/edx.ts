import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each command family is loaded only when it is asked for: the signature, admin and demo modules pull in pkijs,
 * xmldsigjs, the store and the gateway, which made `edx validate` take over a second to start. Help, or a name we do
 * not know, loads them all so commander can list or suggest every command.
 */
const families: { commands: string[]; load: () => Promise<Register> }[] = [
  { commands: ['validate', 'inspect', 'build', 'build-status', 'extract'], load: async () => (await import('./commands/edxml.js')).registerEdxmlCommands },
  { commands: ['pki'], load: async () => (await import('./commands/pki.js')).registerPkiCommands },
  { commands: ['pdf'], load: async () => (await import('./commands/pdf.js')).registerPdfCommands },
  { commands: ['sign', 'verify'], load: async () => (await import('./commands/signature.js')).registerSignatureCommands },
  { commands: ['admin'], load: async () => (await import('./commands/admin.js')).registerAdminCommands },
  { commands: ['receipt'], load: async () => (await import('./commands/receipt.js')).registerReceiptCommands },
  { commands: ['ledger'], load: async () => (await import('./commands/ledger.js')).registerLedgerCommands },
  { commands: ['evidence'], load: async () => (await import('./commands/evidence.js')).registerEvidenceCommands },
  { commands: ['demo'], load: async () => (await import('./commands/demo.js')).registerDemoCommands },
  { commands: ['client'], load: async () => (await import('./commands/client.js')).registerClientCommands },
];

const program = new Command('edx')
  .description('National document axis: edXML packages, signatures, certificates and the exchange gateway')
  .showHelpAfterError();

const asked = process.argv[2];
const family = families.find((f) => asked !== undefined && f.commands.includes(asked));
for (const { load } of family ? [family] : families) (await load())(program);

await program.parseAsync(process.argv);
