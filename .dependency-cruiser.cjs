/** The layering of ../shared/ARCHITECTURE.md, checked in CI: dependencies point inward only. */
const libraries = '^src/(edxml|signature|pki)/';
module.exports = {
  forbidden: [
    {
      name: 'libraries-stay-pure',
      comment: 'edxml, signature and pki take bytes and return typed results: they know nothing of HTTP, storage, queues or use-cases.',
      severity: 'error',
      from: { path: libraries },
      to: { path: '^src/(http|store|queue|exchange|ledger|main|config|cli)/|^workers/' },
    },
    {
      name: 'use-cases-talk-to-ports-only',
      comment: 'exchange and ledger reach storage and queues only through the port interfaces, never an adapter.',
      severity: 'error',
      from: { path: '^src/(exchange|ledger)/' },
      to: { path: '^src/(http|main|cli)/|^src/store/(mongo|embedded)/|^src/queue/bullmq/|^workers/' },
    },
    {
      name: 'ports-know-no-adapters',
      comment: 'open-store.ts is the one place that chooses the store adapter from config.',
      severity: 'error',
      from: { path: '^src/(store|queue)/[^/]+\\.ts$', pathNot: '^src/store/open-store\\.ts$' },
      to: { path: '^src/store/(mongo|embedded)/|^src/queue/bullmq/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
