/** The business status of one document at one recipient, as the status packages have moved it (status-machine.ts). */

export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';

export interface DocumentStatusRecord {
  documentId: string;
  senderOrganId: string;
  recipientOrganId: string;
  code: StatusCode;
  envelopeId: string;
  updatedAt: string;
}
