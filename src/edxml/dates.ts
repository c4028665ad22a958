/** QCVN 102 dates (`yyyy/MM/dd`) and timestamps (`yyyy/MM/dd HH:mm:ss`, Vietnam time): real calendar values only. */
const DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function isEdxmlDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && realDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isEdxmlTimestamp(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  return m !== null && realDate(Number(m[1]), Number(m[2]), Number(m[3])) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
}

const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

function vietnamParts(at: Date): string[] {
  const v = new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return [v.slice(0, 4), v.slice(5, 7), v.slice(8, 10), v.slice(11, 19)];
}

export function formatEdxmlDate(at: Date = new Date()): string {
  const [y, m, d] = vietnamParts(at);
  return `${y}/${m}/${d}`;
}

export function formatEdxmlTimestamp(at: Date = new Date()): string {
  const [y, m, d, t] = vietnamParts(at);
  return `${y}/${m}/${d} ${t}`;
}
