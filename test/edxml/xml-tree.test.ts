/** The libxml2 tree helpers the edXML readers walk with. */
import { describe, expect, it } from 'vitest';
import { childElements, openXml } from '../../src/edxml/xml-tree.js';

describe('childElements', () => {
  it('gives the element children only, in document order, whatever their namespace and whatever lies between', () => {
    const doc = openXml(Buffer.from('<a xmlns="urn:x" xmlns:y="urn:y"> text <b/><!-- c --><?pi x?><y:c><d/></y:c><![CDATA[e]]>&amp;<b>f</b></a>'));
    try {
      const root = doc.root;
      expect(childElements(root).map((e) => `${e.prefix}:${e.name}`)).toEqual([':b', 'y:c', ':b']);
      expect(childElements(childElements(root)[1]!).map((e) => e.name)).toEqual(['d']);
      expect(childElements(childElements(root)[0]!)).toEqual([]);
      // The same compiled selection serves every document of the thread.
      const other = openXml(Buffer.from('<r><s/><t/></r>'));
      expect(childElements(other.root).map((e) => e.name)).toEqual(['s', 't']);
      other.dispose();
    } finally {
      doc.dispose();
    }
  });
});
