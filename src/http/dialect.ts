/**
 * A wire protocol the gateway speaks (the `/v1` REST API; the government SDK's protocol next), as an adapter of its
 * own: its authentication, its mapping from the exchange's outcomes and typed errors to its wire format, and its
 * router, all over the same typed use-cases. The app mounts each one and knows nothing of what is inside.
 */
import type { Router } from 'express';

export interface HttpDialect {
  /** For logs and docs, e.g. `rest`. */
  readonly name: string;
  /** Where the app mounts the router (`/` for a dialect whose paths carry their own prefix, e.g. `/v1/...`). */
  readonly mountPath: string;
  /** The dialect's routes, ending with its own error handler (errors leave in the dialect's own format). */
  readonly router: Router;
}
