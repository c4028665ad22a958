/**
 * Replies as the SDK reads them (docs/vdxp.md, PROTOCOL.md §4): a JSON object that always carries `status`,
 * `ErrorCode` and `ErrorDesc`, never a JSON null (a member without a value is left out), in ASCII with `\u` escapes
 * (sendEdoc reads its reply as US-ASCII), uncompressed. The HTTP status is 200: the SDK reads the body, not the
 * status, and a non-2xx `sendEdoc` reply goes through a path that can lose it.
 */
import type { Response } from 'express';

/** A reply member: the SDK reads strings and numbers (and the sync call's booleans and arrays of such objects). */
export type ReplyValue = string | number | boolean | ReplyObject | ReplyObject[] | undefined;
export interface ReplyObject {
  [member: string]: ReplyValue;
}

/** JSON text with every character outside printable ASCII written as a \u escape; undefined members left out. */
export function asciiJson(value: ReplyObject): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function send(res: Response, body: ReplyObject): void {
  res.status(200).set({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).send(asciiJson(body));
}

export function replyOk(res: Response, members: ReplyObject = {}, description = 'Success'): void {
  send(res, { status: 'OK', ErrorCode: '0', ErrorDesc: description, ...members });
}

/** `code`: the axis's stable error code (never "0"), so a DMS branches on it as on the REST API's `code`. */
export function replyFail(res: Response, code: string, description: string, members: ReplyObject = {}): void {
  send(res, { status: 'FAIL', ErrorCode: code, ErrorDesc: description, ...members });
}
