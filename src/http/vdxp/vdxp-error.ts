/** Refusals of the SDK dialect itself (its authentication, its headers), with stable codes like the rest of the axis. */
import { AxisError } from '../../errors/axis-error.js';

export type VdxpCode =
  | 'VDXP_AUTH_MISSING'
  | 'VDXP_AUTH_MALFORMED'
  | 'VDXP_AUTH_INVALID'
  | 'VDXP_SYSTEM_SUSPENDED'
  | 'VDXP_FOREIGN_AGENCY'
  | 'VDXP_FROM_MISSING'
  | 'VDXP_AGENCY_SUSPENDED'
  | 'VDXP_HASH_FILE_MISSING'
  | 'VDXP_HASH_FILE_MISMATCH'
  | 'VDXP_DOC_ID_MISSING'
  | 'VDXP_STATUS_UNKNOWN'
  | 'VDXP_BODY_INVALID'
  | 'VDXP_NOT_AVAILABLE';

export class VdxpError extends AxisError {
  declare readonly code: VdxpCode;

  constructor(code: VdxpCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
