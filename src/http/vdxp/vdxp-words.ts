/** How the SDK's lists show times and states: `yyyy-MM-dd HH:mm:ss` in Vietnam's time, states in Vietnamese. */
import type { DeliveryState } from '../../exchange/model/index.js';

// Swedish writes dates as ISO 8601 does (yyyy-MM-dd HH:mm:ss), which is the shape the SDK's examples show.
const VIETNAM_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

export function vietnamTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? undefined : VIETNAM_TIME.format(at);
}

/** The words of the glossary (../shared/GLOSSARY.md) for where a delivery stands. */
export const DELIVERY_STATE_WORDS: Readonly<Record<DeliveryState, string>> = {
  pending: 'Đang chờ chuyển',
  retrying: 'Đang gửi lại',
  delivered: 'Đã chuyển',
  available: 'Chờ tải về',
  fetched: 'Đã tải về',
  acknowledged: 'Đã xác nhận',
  dead: 'Không chuyển được',
  withheld: 'Đã thu hồi',
};
