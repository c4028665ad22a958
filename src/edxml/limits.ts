/**
 * Bounds on what one package may cost to read. The defaults fit every real package seen (an edXML header is
 * about ten levels deep and a few hundred elements) with a wide margin, and stop hostile input early.
 */
export interface ParseLimits {
  /** Whole package, bytes. */
  maxBytes: number;
  /** Element nesting depth. */
  maxDepth: number;
  /** Number of elements, attachments' content not counted. */
  maxElements: number;
  /** Element or attribute qualified name, characters. */
  maxNameLength: number;
  /** One attribute value, bytes. */
  maxAttributeLength: number;
  /** One text run outside attachment content, bytes. */
  maxTextLength: number;
  /** Attachments in one package. */
  maxAttachments: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: 200 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 20_000,
  maxNameLength: 256,
  maxAttributeLength: 64 * 1024,
  maxTextLength: 1024 * 1024,
  maxAttachments: 500,
});

export function resolveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  return { ...DEFAULT_PARSE_LIMITS, ...(limits ?? {}) };
}
