/**
 * The one error shape every layer speaks: a stable machine code that other tools and the HTTP mapping rely on,
 * and a message written for the clerk or operator who has to act on it.
 */
export class AxisError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isAxisError(value: unknown): value is AxisError {
  return value instanceof AxisError;
}
