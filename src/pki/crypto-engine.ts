/**
 * pkijs runs its signature checks on a WebCrypto engine; this installs node's (native, fast) once. xmldsigjs uses the
 * same pkijs 3 copy, so certificates parsed here and there are the same classes.
 */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

let installed = false;

export function pkiCrypto(): pkijs.ICryptoEngine {
  if (!installed) {
    pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as webcrypto.Crypto }));
    installed = true;
  }
  return pkijs.getCrypto(true);
}
