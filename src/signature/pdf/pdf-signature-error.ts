import { AxisError } from '../../errors/axis-error.js';
import type { PdfSignatureCode } from './pdf-report.js';

/** What signPdf throws for input it cannot sign (verifyPdf never throws: it reports). */
export class PdfSignatureError extends AxisError {
  constructor(code: PdfSignatureCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
