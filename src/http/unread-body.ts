/**
 * A request answered before its body was read (refused authentication, a wrong media type, a rate limit, an upload
 * cut off): the rest of the body is worth nothing, and reading it to the end would let anyone without credentials
 * make the gateway take in gigabytes. Node's server reads an unread body to its end to keep the connection alive, so
 * such an answer closes the connection instead: `Connection: close`, and the socket is destroyed once the answer has
 * been handed to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether some of the request's body has not arrived yet (false for a request that has none). */
export function bodyStillComing(req: IncomingMessage): boolean {
  return !req.complete && !req.destroyed;
}

/** Makes this answer the connection's last when the body is still coming: nothing more is read from it after. */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!bodyStillComing(req) || res.headersSent) return;
  res.setHeader('Connection', 'close');
  res.once('finish', () => {
    // The answer has been handed to the socket: end our side and close it as soon as that is written, before the
    // parser drains the body (Node would otherwise read it to the end first).
    req.socket.destroySoon();
  });
}
