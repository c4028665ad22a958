import { Command } from 'commander';
import { registerEdxmlCommands } from './commands/edxml.js';
import { registerPkiCommands } from './commands/pki.js';
import { registerPdfCommands } from './commands/pdf.js';
import { registerSignatureCommands } from './commands/signature.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerReceiptCommands } from './commands/receipt.js';
import { registerDemoCommands } from './commands/demo.js';

const program = new Command('edx')
  .description('National document axis: edXML packages, signatures, certificates and the exchange gateway')
  .showHelpAfterError();

registerEdxmlCommands(program);
registerPkiCommands(program);
registerPdfCommands(program);
registerSignatureCommands(program);
registerAdminCommands(program);
registerReceiptCommands(program);
registerDemoCommands(program);

await program.parseAsync(process.argv);
