/**
 * Reads edXML elements by their QCVN 102 names and remembers, for the rules that run afterwards, where every value
 * was found (path and line) and which once-only elements were repeated.
 */
import type { XmlElement } from 'libxml2-wasm';
import { QCVN102_NAMESPACE, type EdxmlWarning } from './model.js';
import { childElements, textOf } from './xml-tree.js';

export interface LocatedValue {
  /** e.g. `MessageHeader/To[2]/OrganId` */
  path: string;
  value: string;
  line: number;
}

export interface ReadFacts {
  values: LocatedValue[];
  repeated: { path: string; line: number }[];
  /** Lines of notable elements by path, for messages about elements that are there but wrong. */
  lines: Map<string, number>;
  warnings: EdxmlWarning[];
}

export function newFacts(): ReadFacts {
  return { values: [], repeated: [], lines: new Map(), warnings: [] };
}

export class TreeReader {
  readonly element: XmlElement;
  readonly path: string;
  readonly facts: ReadFacts;
  readonly line: number;
  #children: XmlElement[] | undefined;
  #names: string[] | undefined;

  constructor(element: XmlElement, path: string, facts: ReadFacts) {
    this.element = element;
    this.path = path;
    this.facts = facts;
    this.line = element.line;
    facts.lines.set(path, this.line);
  }

  children(): XmlElement[] {
    this.#children ??= childElements(this.element).filter((e) => e.namespaceUri === QCVN102_NAMESPACE);
    return this.#children;
  }

  /** Local names of children(), read once: every property read is a call into wasm. */
  private names(): string[] {
    this.#names ??= this.children().map((e) => e.name);
    return this.#names;
  }

  private matching(names: string[]): { element: XmlElement; name: string }[] {
    const own = this.names();
    const children = this.children();
    const found: { element: XmlElement; name: string }[] = [];
    for (let k = 0; k < own.length; k++) if (names.includes(own[k]!)) found.push({ element: children[k]!, name: own[k]! });
    return found;
  }

  /** Every child with one of these names (the first name is the standard's spelling). */
  all(...names: string[]): TreeReader[] {
    const found = this.matching(names);
    return found.map((f, k) => new TreeReader(f.element, `${this.path}/${f.name}${found.length > 1 ? `[${k + 1}]` : ''}`, this.facts));
  }

  /** The child with one of these names; a repeat is remembered for the rules. */
  one(...names: string[]): TreeReader | undefined {
    const [first, second] = this.matching(names);
    if (second) this.facts.repeated.push({ path: `${this.path}/${second.name}`, line: second.element.line });
    return first ? new TreeReader(first.element, `${this.path}/${first.name}`, this.facts) : undefined;
  }

  /** Text of a once-only leaf child, located for the rules; empty counts as absent. */
  text(...names: string[]): string | undefined {
    const child = this.one(...names);
    return child?.value();
  }

  /** This element's own text, located for the rules. */
  value(): string | undefined {
    const value = textOf(this.element);
    if (value !== undefined) this.facts.values.push({ path: this.path, value, line: this.line });
    return value;
  }

  texts(name: string): string[] {
    return this.all(name)
      .map((r) => r.value())
      .filter((v): v is string => v !== undefined);
  }
}

/** Copies only the defined entries, so optional fields are absent rather than `undefined`. */
export function defined<T extends object>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out as T;
}

/** Line of the first element read whose path ends with `suffix` (e.g. `edXMLManifest`, `MessageHeader/To[2]`). */
export function lineOf(facts: ReadFacts, suffix: string): number | undefined {
  for (const [path, line] of facts.lines) if (path === suffix || path.endsWith('/' + suffix)) return line;
  return undefined;
}
