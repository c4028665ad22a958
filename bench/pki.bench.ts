/**
 * Certificate validation (src/pki): one official RSA-2048 certificate validated cold (new validator: path build, OCSP
 * request and CRL download from the dev responder on 127.0.0.1) and warm (path, OCSP verdict and CRLs cached), offline
 * with CRLs handed in, against a reference measured in the same run: node's native X509Certificate.verify of the two
 * links of the chain. Proposed as bench/pki.bench.ts with script "bench:pki": "npm run build && node dist/bench/pki.bench.js".
 */
import { X509Certificate } from 'node:crypto';
import { createCertificateValidator } from '../src/pki/index.js';
import { generateTestPki, startTestPkiServer } from '../src/pki/test-pki/index.js';

const N = Number(process.env['BENCH_ITERATIONS'] ?? 300);

async function perCall(n: number, run: () => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await run();
  return (performance.now() - start) / n;
}

const server = await startTestPkiServer();
const pki = await generateTestPki({ baseUrl: server.url });
server.serve(pki);
const official = pki.identities['official-rsa'];
const chain = [pki.subordinate.certificate];
const [leaf, sub, root] = [official.certificate, pki.subordinate.certificate, pki.root.certificate].map((d) => new X509Certificate(d)) as [X509Certificate, X509Certificate, X509Certificate];

const reference = await perCall(N, () => leaf.verify(sub.publicKey) && sub.verify(root.publicKey));
const cold = await perCall(20, () => createCertificateValidator({ trustAnchors: [pki.root.certificate] }).validate(official.certificate, chain));
const warmValidator = createCertificateValidator({ trustAnchors: [pki.root.certificate] });
await warmValidator.validate(official.certificate, chain);
const warm = await perCall(N, () => warmValidator.validate(official.certificate, chain));
const offlineValidator = createCertificateValidator({ trustAnchors: [pki.root.certificate], crls: [pki.crls.root, pki.crls.subordinate] });
await offlineValidator.validate(official.certificate, chain, { offline: true });
const offline = await perCall(N, () => offlineValidator.validate(official.certificate, chain, { offline: true }));
await server.close();

const ms = (v: number) => Number(v.toFixed(3));
console.log(JSON.stringify({
  iterations: N,
  referenceNativeChainSignaturesMs: ms(reference),
  coldValidateMs: ms(cold),
  warmValidateMs: ms(warm),
  warmOfflineSuppliedCrlsMs: ms(offline),
  warmOverReference: Number((warm / reference).toFixed(1)),
  warmValidationsPerSecond: Math.round(1000 / warm),
}, null, 2));
