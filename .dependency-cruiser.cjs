/**
 * The layering of docs/architecture.md, checked in CI: dependencies point inward only.
 *
 * Every top-level folder of src/ (and workers/) has a rank; a folder imports only folders of a lower rank. That is
 * the rule that no two top-level folders import each other, directly or around a loop: a folder that needs one of a
 * higher rank is in the wrong place (or the thing it needs is).
 */
const RANKS = [
  ['errors'],
  ['config', 'edxml', 'calendar'],
  ['pki'],
  ['signature'],
  ['ledger'],
  ['exchange'],
  ['observability'],
  ['store', 'queue', 'push'],
  ['http', 'workers'],
  ['main'],
  ['cli'],
];

const folderPath = (name) => (name === 'workers' ? '^workers/' : `^src/${name}/`);
const layering = RANKS.flatMap((group, rank) => group.map((name) => {
  const higherOrSame = RANKS.slice(rank).flat().filter((other) => other !== name);
  if (higherOrSame.length === 0) return undefined;
  return {
    name: `rank-${name}`,
    comment: `${name} may import only folders of a lower rank (${RANKS.slice(0, rank).flat().join(', ') || 'none'}): no two top-level folders import each other.`,
    severity: 'error',
    from: { path: folderPath(name) },
    to: { path: higherOrSame.map(folderPath).join('|') },
  };
})).filter((rule) => rule !== undefined);

const known = RANKS.flat();

module.exports = {
  forbidden: [
    ...layering,
    {
      name: 'every-folder-ranked',
      comment: 'A new top-level folder gets a rank in .dependency-cruiser.cjs (and a place in docs/architecture.md).',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${known.join('|')})/` },
      to: {},
    },
    {
      name: 'libraries-stay-pure',
      comment: 'edxml, signature, pki and calendar take bytes and return typed results: they know nothing of HTTP, storage, queues or use-cases.',
      severity: 'error',
      from: { path: '^src/(edxml|signature|pki|calendar)/' },
      to: { path: '^src/(http|store|queue|push|exchange|ledger|main|config|cli|observability)/|^workers/' },
    },
    {
      name: 'use-cases-talk-to-ports-only',
      comment: 'exchange and ledger reach storage, queues and the network only through the ports of src/exchange/ports.',
      severity: 'error',
      from: { path: '^src/(exchange|ledger)/' },
      to: { path: '^src/(http|main|cli|store|queue|push|observability)/|^workers/' },
    },
    {
      name: 'adapters-are-chosen-in-main',
      comment: 'Only the composition root (src/main) picks an adapter; a dialect or the CLI never does (workers/ are BullMQ processors: BullMQ is theirs).',
      severity: 'error',
      from: { path: '^src/(http|cli)/' },
      to: { path: '^src/store/(mongo|embedded)/|^src/queue/bullmq/|^src/push/' },
    },
    {
      name: 'dialects-stay-apart',
      comment: 'Each HTTP dialect is an adapter of its own: one dialect never imports another; shared concerns sit in src/http/*.ts.',
      severity: 'error',
      from: { path: '^src/http/([^/]+)/' },
      to: { path: '^src/http/([^/]+)/', pathNot: '^src/http/$1/' },
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
