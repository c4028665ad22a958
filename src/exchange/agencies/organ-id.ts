import { AxisError } from '../../errors/axis-error.js';

/** QCVN 102 OrganId: up to 35 characters of A-Z, 0-9 and '.', e.g. `000.00.00.G22`. */
const ORGAN_ID = /^[A-Z0-9.]{1,35}$/;

export function isOrganId(value: string): boolean {
  return ORGAN_ID.test(value);
}

export function assertOrganId(value: string, field = 'OrganId'): string {
  if (!isOrganId(value)) {
    throw new AxisError('AGENCY_ORGAN_ID_INVALID', `${field} "${value.slice(0, 40)}" is not a valid agency code: use up to 35 characters of A-Z, 0-9 and '.'.`, { field });
  }
  return value;
}
