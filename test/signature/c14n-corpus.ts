/**
 * The differential corpus for the streaming canonicalizer: documents generated from a seed, with namespaces
 * (declared, redeclared, undeclared with xmlns=""), attributes (tabs, newlines, references, both quotes), text with
 * references and CR/CRLF, CDATA, comments, PIs inside and outside the root, UTF-8, empty elements and xml:* attributes.
 * Each comes with and without its comments (the comment-free twin must canonicalize like the original without them).
 * Namespace URIs hold no '&', '<' or '"': libxml2 writes namespace URIs unescaped, which C14N §2.3 does not allow
 * (we escape them like attribute values; see docs/xmldsig.md).
 */
export interface GeneratedDocument {
  withComments: string;
  withoutComments: string;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const URIS = ['urn:a', 'urn:b', 'http://www.mic.gov.vn/TBT/QCVN_102_2016', 'http://www.w3.org/2000/09/xmldsig#', 'http://example.org/x?y=1;z=2'];
const PREFIXES = ['a', 'b', 'edXML', 'ds', 'z9'];
const TEXTS = ['plain', ' spaced  out ', 'Nguyễn Văn An', 'a &lt; b &amp;&amp; c &gt; d', '&#13;&#10;', 'CR\rLF\nCRLF\r\n', '&#x1F600;', '"quotes" \'apos\'', ']]&gt;', '>', '\t tab'];
const ATTRS = ['v', 'with\ttab', 'with\nnewline', 'ref &#9;&#10;&#13;', '&lt;&amp;&quot;&apos;&gt;', 'Việt Nam', '  lead and trail  ', 'a>b'];

export function generateDocument(seed: number): GeneratedDocument {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let nodes = 0;
  const element = (depth: number, inScope: Set<string>): [string, string] => {
    nodes++;
    const scope = new Set(inScope);
    const decls: string[] = [];
    const declCount = Math.floor(r() * 3);
    for (let i = 0; i < declCount; i++) {
      const p = pick(PREFIXES);
      if (r() < 0.3) {
        if (!decls.some((d) => d.startsWith('xmlns='))) decls.push(r() < 0.3 ? 'xmlns=""' : `xmlns="${pick(URIS)}"`);
      } else if (!decls.some((d) => d.startsWith(`xmlns:${p}=`))) {
        decls.push(`xmlns:${p}="${pick(URIS)}"`);
        scope.add(p);
      }
    }
    const usable = [...scope];
    const prefix = usable.length > 0 && r() < 0.5 ? `${pick(usable)}:` : '';
    const name = `${prefix}e${Math.floor(r() * 5)}`;
    const attrs: string[] = [];
    const used = new Set<string>();
    for (let i = Math.floor(r() * 4); i > 0; i--) {
      const ap = usable.length > 0 && r() < 0.4 ? `${pick(usable)}:` : r() < 0.1 ? 'xml:' : '';
      const an = ap === 'xml:' ? pick(['lang', 'space']) : `at${Math.floor(r() * 4)}`;
      const value = ap === 'xml:' ? (an === 'space' ? 'preserve' : 'vi') : pick(ATTRS);
      // Two prefixes may bind the same URI; keep the (URI, name) pairs distinct by never reusing a local name.
      if (used.has(an)) continue;
      used.add(an);
      const q = r() < 0.5 ? '"' : "'";
      attrs.push(`${ap}${an}=${q}${value.replace(q === '"' ? /"/g : /'/g, q === '"' ? '&quot;' : '&apos;')}${q}`);
    }
    const ws = () => pick(['', ' ', '  ', '\n\t', '\r\n ']);
    const open = `<${name}${[...decls, ...attrs].map((a) => `${ws() || ' '}${a}`).join('')}${ws()}`;
    if (depth > 3 || nodes > 40 || r() < 0.15) return [`${open}/>`, `${open}/>`];
    let withC = '', withoutC = '';
    for (let i = Math.floor(r() * 5); i >= 0; i--) {
      const kind = r();
      if (kind < 0.35) {
        const t = pick(TEXTS);
        withC += t; withoutC += t;
      } else if (kind < 0.45) {
        const t = `<![CDATA[${pick(['x < y && z', ' spaced ', 'line\r\nend', '<not-a-tag/>', ''])}]]>`;
        withC += t; withoutC += t;
      } else if (kind < 0.55) {
        withC += `<!--${pick([' a comment ', 'Bình luận', '\n multi\r\n line ', ''])}-->`;
      } else if (kind < 0.62) {
        const t = `<?${pick(['pi', 'xml-stylesheet', 'target'])}${pick(['', ' data', '   lots  of  space  ', ' x="1"'])}?>`;
        withC += t; withoutC += t;
      } else {
        const [c, n] = element(depth + 1, scope);
        withC += c; withoutC += n;
      }
    }
    return [`${open}>${withC}</${name}>`, `${open}>${withoutC}</${name}>`];
  };
  const [root, rootNoComments] = element(0, new Set());
  const decl = r() < 0.5 ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '';
  const before = r() < 0.5 ? '<?before pi?>\n' : '';
  const comment = r() < 0.5 ? '<!-- prolog comment -->\n' : '';
  const after = r() < 0.5 ? '\n<?after?>' : '';
  return {
    withComments: `${decl}${comment}${before}${root}${after}${r() < 0.5 ? '\n<!-- trailing -->' : ''}\n`,
    withoutComments: `${decl}${before}${rootNoComments}${after}\n`,
  };
}
