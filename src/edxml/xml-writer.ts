/** A small writer for the edXML layout of the samples: two-space indent, `edXML:` prefix, escaped text. */
import { EdxmlError } from './edxml-error.js';

// Characters XML 1.0 cannot carry at all, even escaped.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeText(value: string, field: string): string {
  if (FORBIDDEN.test(value)) throw new EdxmlError('EDXML_BUILD_INVALID', `${field} contains a control character that XML cannot carry`, { element: field });
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export class XmlWriter {
  readonly #lines: string[] = [];
  #depth: number;
  readonly #prefix: string;

  constructor(prefix = 'edXML:', depth = 0) {
    this.#prefix = prefix;
    this.#depth = depth;
  }

  private pad(): string {
    return '  '.repeat(this.#depth);
  }

  raw(line: string): this {
    this.#lines.push(this.pad() + line);
    return this;
  }

  open(name: string, attributes = ''): this {
    this.#lines.push(`${this.pad()}<${this.#prefix}${name}${attributes}>`);
    this.#depth++;
    return this;
  }

  close(name: string): this {
    this.#depth--;
    this.#lines.push(`${this.pad()}</${this.#prefix}${name}>`);
    return this;
  }

  /** Writes `<name>value</name>`; skips undefined values so optional fields stay absent. */
  leaf(name: string, value: string | number | undefined): this {
    if (value === undefined) return this;
    this.#lines.push(`${this.pad()}<${this.#prefix}${name}>${escapeText(String(value), name)}</${this.#prefix}${name}>`);
    return this;
  }

  /** Writes a group only when at least one of its leaves has a value. */
  group(name: string, leaves: [string, string | number | undefined][]): this {
    if (leaves.every(([, v]) => v === undefined)) return this;
    this.open(name);
    for (const [leafName, value] of leaves) this.leaf(leafName, value);
    return this.close(name);
  }

  toString(): string {
    return this.#lines.join('\n');
  }
}
