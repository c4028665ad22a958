/** How the SDK's lists show times: `yyyy-MM-dd HH:mm:ss` in Vietnam's time (states in the glossary's words: DELIVERY_STATE_WORDS). */

// Swedish writes dates as ISO 8601 does (yyyy-MM-dd HH:mm:ss), which is the shape the SDK's examples show.
const VIETNAM_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

export function vietnamTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? undefined : VIETNAM_TIME.format(at);
}
