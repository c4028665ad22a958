/**
 * Agency codes (OrganId). SĐ1:2022 allows up to 35 characters of A-Z, 0-9 and '.'; the classic form of the 2016
 * standard, `NNN.NN.NN.XNN`, reads right to left: XNN is the level-1 body (a ministry such as G22, or a province
 * such as H41), then the level-2, level-3 and level-4 units inside it (`00` / `000` = the body itself).
 */
const ORGAN_ID = /^[A-Z0-9.]{1,35}$/;
const CLASSIC = /^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$/;

export interface OrganIdLevels {
  /** XNN: the ministry, province or other level-1 body. */
  level1: string;
  level2: string;
  level3: string;
  level4: string;
}

export interface OrganIdInfo {
  valid: boolean;
  classic: boolean;
  levels?: OrganIdLevels;
  /** Why a valid code is not classic, or why an invalid one is invalid. */
  warning?: string;
}

export function parseOrganId(code: string): OrganIdInfo {
  if (!ORGAN_ID.test(code)) {
    const why = code.length === 0 ? 'it is empty' : code.length > 35 ? `it is ${code.length} characters long (35 at most)` : 'only A-Z, 0-9 and "." are allowed';
    return { valid: false, classic: false, warning: `"${code.slice(0, 40)}" is not an agency code: ${why}` };
  }
  const m = CLASSIC.exec(code);
  if (!m) {
    return { valid: true, classic: false, warning: `"${code}" is not in the classic NNN.NN.NN.XNN form (accepted since SĐ1:2022)` };
  }
  return { valid: true, classic: true, levels: { level1: m[4]!, level2: m[3]!, level3: m[2]!, level4: m[1]! } };
}
