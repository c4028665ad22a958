/** Counts accepted and refused uploads, whatever the dialect (edx_packages_accepted_total / edx_packages_rejected_total). */
export interface PackageCounters {
  accepted(kind: string): void;
  rejected(code: string): void;
}
