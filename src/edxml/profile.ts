/**
 * Which packages the library accepts.
 *
 * - `field` (the default): packages as real agency systems send them. What the government SDK's reference parser
 *   (EdXML102) reads and is not a security risk is accepted, each such deviation reported as its own
 *   `EDXML_WARN_*` warning: system identifiers as OrganIds, a TraceHeader without OrganId, the `edXML` and `xlink`
 *   prefixes used without a declaration in scope, an attachment whose text is not base64. docs/edxml.md says why
 *   each is safe.
 * - `strict`: QCVN 102 as the schemas and rules say it, each deviation above refused with its error code.
 *
 * Both profiles keep every security rule: no DTD or entity, the parse limits, well-formedness, the edXML namespace
 * on the root, nothing before the XML declaration.
 */
import type { ParseLimits } from './limits.js';

export type EdxmlProfile = 'field' | 'strict';

export const EDXML_PROFILES: readonly EdxmlProfile[] = ['field', 'strict'];

export const DEFAULT_EDXML_PROFILE: EdxmlProfile = 'field';

/** How to read a package: the parse limits (unset ones take DEFAULT_PARSE_LIMITS) and the profile. */
export interface ReadOptions extends Partial<ParseLimits> {
  profile?: EdxmlProfile;
}

export function splitReadOptions(options: ReadOptions | undefined): { limits: Partial<ParseLimits>; profile: EdxmlProfile } {
  const { profile = DEFAULT_EDXML_PROFILE, ...limits } = options ?? {};
  // A misspelt profile must not quietly become the lenient one.
  if (!EDXML_PROFILES.includes(profile)) throw new TypeError(`Unknown edXML profile ${JSON.stringify(profile)}: use 'field' or 'strict'`);
  return { limits, profile };
}
