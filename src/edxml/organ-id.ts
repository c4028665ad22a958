/**
 * Agency codes (OrganId): the one rule the format, the exchange and the PKI all read codes by.
 *
 * - `standard`: what QCVN 102 and SĐ1:2022 allow, up to 35 characters of A-Z, 0-9 and '.'. The classic form of the
 *   2016 standard, `NNN.NN.NN.XNN`, reads right to left: XNN is the level-1 body (a ministry such as G22, or a
 *   province such as H41), then the level-2, level-3 and level-4 units inside it (`00` / `000` = the body itself).
 * - `identifier`: also the identifiers of systems connected through the Government Office's SDK and what certificate
 *   attributes carry (letters of either case, digits, '.', '-', '_', up to 64 characters).
 * Codes are compared exactly as written: never case-folded or trimmed.
 */
const STANDARD = /^[A-Z0-9.]{1,35}$/;
const IDENTIFIER = /^[A-Za-z0-9._-]{1,64}$/;
const CLASSIC = /^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$/;

/** Which codes a reader takes: the standard's only, or system identifiers too. */
export type OrganIdRule = 'standard' | 'identifier';

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

/** What the rule allows, in words, for messages. */
export function organIdRuleText(rule: OrganIdRule = 'standard'): string {
  return rule === 'standard'
    ? 'up to 35 characters of A-Z, 0-9 and "."'
    : 'up to 64 characters of letters, digits, ".", "-" and "_"';
}

export function isOrganId(code: string, rule: OrganIdRule = 'standard'): boolean {
  return (rule === 'standard' ? STANDARD : IDENTIFIER).test(code);
}

export function parseOrganId(code: string, rule: OrganIdRule = 'standard'): OrganIdInfo {
  if (!isOrganId(code, rule)) {
    const max = rule === 'standard' ? 35 : 64;
    const why = code.length === 0 ? 'it is empty' : code.length > max ? `it is ${code.length} characters long (${max} at most)` : `only ${organIdRuleText(rule).replace(/^up to \d+ characters of /, '')} are allowed`;
    return { valid: false, classic: false, warning: `"${code.slice(0, 40)}" is not an agency code: ${why}` };
  }
  const m = CLASSIC.exec(code);
  if (!m) {
    return { valid: true, classic: false, warning: `"${code}" is not in the classic NNN.NN.NN.XNN form (accepted since SĐ1:2022)` };
  }
  return { valid: true, classic: true, levels: { level1: m[4]!, level2: m[3]!, level3: m[2]!, level4: m[1]! } };
}
