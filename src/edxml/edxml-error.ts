import { AxisError } from '../errors/axis-error.js';
import type { EdxmlErrorCode } from './error-codes.js';

/** Where in the package a problem sits, when known: the operator opens the file at that line. */
export interface EdxmlLocation {
  line?: number;
  element?: string;
}

export class EdxmlError extends AxisError {
  declare readonly code: EdxmlErrorCode;
  readonly line: number | undefined;
  readonly element: string | undefined;

  constructor(code: EdxmlErrorCode, message: string, where: EdxmlLocation = {}, options?: { cause?: unknown }) {
    const details: Record<string, unknown> = {};
    if (where.line !== undefined) details.line = where.line;
    if (where.element !== undefined) details.element = where.element;
    super(code, withLocation(message, where), Object.keys(details).length > 0 ? details : undefined, options);
    this.line = where.line;
    this.element = where.element;
  }
}

function withLocation(message: string, where: EdxmlLocation): string {
  const parts: string[] = [];
  if (where.element !== undefined) parts.push(`element ${where.element}`);
  if (where.line !== undefined && where.line > 0 && !message.includes(`line ${where.line}`)) parts.push(`line ${where.line}`);
  return parts.length > 0 ? `${message} (${parts.join(', ')})` : message;
}
