/**
 * raw-scan (src/edxml, before libxml2) and the XMLDSig scanner read bytes through one lexical layer
 * (src/edxml/xml-lexer.ts): they refuse the same DTD forms, take the same bytes as whitespace, and refuse the same
 * encodings, each with its own stable code.
 */
import { describe, expect, it } from 'vitest';
import { EdxmlError } from '../../src/edxml/edxml-error.js';
import { DEFAULT_PARSE_LIMITS } from '../../src/edxml/limits.js';
import { scanPackageBytes } from '../../src/edxml/raw-scan.js';
import { isEmptyElementEnd, markupAt, NO_EQUALS, startTagEndAt, terminatorOf, UNQUOTED, valueQuoteAt } from '../../src/edxml/xml-lexer.js';
import { scanXml, XmlScanError } from '../../src/signature/xmldsig/xml-scanner.js';

const ignore = () => {};
const quiet = { startElement: ignore, endElement: ignore, text: ignore, chars: ignore, processingInstruction: ignore, comment: ignore };

/** What each scanner says about a document: its error code, or 'complete'/'incomplete' (raw-scan) and 'ok' (scanner). */
function rawScan(xml: string | Buffer): string {
  try {
    return scanPackageBytes(Buffer.from(xml), DEFAULT_PARSE_LIMITS).complete ? 'complete' : 'incomplete';
  } catch (err) {
    if (err instanceof EdxmlError) return err.code;
    throw err;
  }
}

function dsigScan(xml: string | Buffer): string {
  try {
    scanXml(Buffer.from(xml), quiet);
    return 'ok';
  } catch (err) {
    if (err instanceof XmlScanError) return err.code;
    throw err;
  }
}

const DTD_FORMS = [
  '<!DOCTYPE edXML>',
  '<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
  '<!ENTITY x "y">',
  '<!ELEMENT edXML ANY>',
  '<!ATTLIST edXML a CDATA #IMPLIED>',
  '<!NOTATION n SYSTEM "n">',
];

describe('one lexical layer under both scanners', () => {
  it('refuses every DTD form, before or inside the root element, in both', () => {
    for (const dtd of DTD_FORMS) {
      for (const xml of [`<?xml version="1.0"?>\n${dtd}\n<edXML/>`, `<edXML>${dtd}</edXML>`]) {
        expect(rawScan(xml), xml).toBe('EDXML_DTD_FORBIDDEN');
        expect(dsigScan(xml), xml).toBe('SIG_DTD_FORBIDDEN');
      }
    }
    // A markup declaration the lexer does not know is no DTD, and neither scanner takes it for well-formed XML.
    expect(rawScan('<edXML><!FOO></edXML>')).toBe('incomplete');
    expect(dsigScan('<edXML><!FOO></edXML>')).toBe('SIG_XML_MALFORMED');
  });

  it('takes XML whitespace (space, tab, CR, LF) and only that, in both', () => {
    const s = ' \t\r\n';
    for (const xml of [`${s}<a${s}x${s}=${s}"1"${s}y='2'${s}/>`, `<a${s}><b${s}/></a${s}>`, `<?xml${s}version="1.0"${s}?>${s}<a/>${s}`]) {
      expect(rawScan(xml), JSON.stringify(xml)).toBe('complete');
      expect(dsigScan(xml), JSON.stringify(xml)).toBe('ok');
    }
    for (const other of ['\f', '\u00a0', '\u2003', '\u000b']) {
      expect(rawScan(`${other}<a/>`), JSON.stringify(other)).toBe('EDXML_NOT_WELL_FORMED');
      expect(dsigScan(`${other}<a/>`), JSON.stringify(other)).toBe('SIG_XML_MALFORMED');
    }
  });

  it('refuses UTF-16/UTF-32 and declared non-UTF-8 encodings in both', () => {
    const wide = [Buffer.from('\ufeff<a/>', 'utf16le'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('\u3c00\u6100\u2f00\u3e00', 'utf16le')]), Buffer.from('<a/>', 'utf16le')];
    for (const bytes of wide) {
      expect(rawScan(bytes)).toBe('EDXML_ENCODING_UNSUPPORTED');
      expect(dsigScan(bytes)).toBe('XML_ENCODING_UNSUPPORTED');
    }
    for (const encoding of ['ISO-8859-1', 'windows-1258', 'UTF-16']) {
      const xml = `<?xml version="1.0" encoding="${encoding}"?><a/>`;
      expect(rawScan(xml)).toBe('EDXML_ENCODING_UNSUPPORTED');
      expect(dsigScan(xml)).toBe('XML_ENCODING_UNSUPPORTED');
    }
    for (const label of ['UTF-8', 'utf8', 'Utf-8']) {
      const xml = `\ufeff<?xml version="1.0" encoding="${label}"?><a/>`;
      expect(rawScan(xml)).toBe('complete');
      expect(dsigScan(xml)).toBe('ok');
    }
  });
});

describe('the lexer itself', () => {
  const b = (s: string) => Buffer.from(s, 'latin1');

  it('tells markup apart', () => {
    const kinds = ['<a>', '</a>', '<!-- c -->', '<![CDATA[x]]>', '<?pi x?>', '<!DOCTYPE a>', '<!ENTITY a "b">', '<!-x>', '<!FOO>'].map((s) => markupAt(b(s), 0));
    expect(kinds).toEqual(['start-tag', 'end-tag', 'comment', 'cdata', 'pi', 'dtd', 'dtd', 'unknown', 'unknown']);
  });

  it('finds terminators only before the end it is given', () => {
    const text = b('<!-- a --><![CDATA[ ]]> ]]><?p ?>');
    expect(terminatorOf(text, 'comment', 0)).toBe(7);
    expect(terminatorOf(text, 'cdata', 10)).toBe(20);
    expect(terminatorOf(text, 'cdata', 10, 22)).toBe(-1);
    expect(terminatorOf(text, 'pi', 27)).toBe(31);
  });

  it('reads the parts of a start tag', () => {
    expect(valueQuoteAt(b(' = "v"'), 0, 6)).toBe(3);
    expect(valueQuoteAt(b(' "v"'), 0, 4)).toBe(NO_EQUALS);
    expect(valueQuoteAt(b('=v'), 0, 2)).toBe(UNQUOTED);
    const empty = b('<a x="/"/>');
    expect(isEmptyElementEnd(empty, startTagEndAt(empty, 8, empty.length))).toBe(true);
    const plain = b('<a x="/">');
    expect(isEmptyElementEnd(plain, startTagEndAt(plain, 8, plain.length))).toBe(false);
    expect(startTagEndAt(b('/ >'), 0, 3)).toBe(-1);
  });
});
