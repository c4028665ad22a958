/**
 * Runs one `edx admin` action on the same store as the server (DATA_DIR / MONGODB_URL via src/config): JSON on stdout;
 * an error is one line on stderr with its stable code, exit 1 (exit 2 for configuration).
 */
import { ConfigError, loadConfig } from '../../config/config.js';
import { isAxisError } from '../../errors/axis-error.js';
import { openAxisServices, type AxisServices } from '../../main/axis-services.js';

export async function withStore(action: (axis: AxisServices) => Promise<unknown>): Promise<void> {
  let axis: AxisServices | undefined;
  try {
    axis = await openAxisServices(loadConfig());
    const result = await action(axis);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } catch (error) {
    process.stderr.write(isAxisError(error) ? `edx: ${error.code}: ${error.message}\n` : `edx: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
  } finally {
    await axis?.store.close();
  }
}
