/**
 * Tests push to receivers they start on 127.0.0.1 over plain http, which the axis refuses by default (issue 23,
 * finding 5). They opt in here, explicitly, as an operator would with PUSH_ALLOW_HTTP and PUSH_ALLOWED_HOSTS.
 */
import { createPushEndpointPolicy, type PushEndpointRules } from '../../src/exchange/agencies/push-endpoint-policy.js';

export const LOOPBACK_PUSH_RULES: PushEndpointRules = { allowHttp: true, allowedHosts: ['127.0.0.1'] };
export const LOOPBACK_PUSH = createPushEndpointPolicy(LOOPBACK_PUSH_RULES);
/** The same, as environment variables for a process the test starts. */
export const LOOPBACK_PUSH_ENV = { PUSH_ALLOW_HTTP: 'true', PUSH_ALLOWED_HOSTS: '127.0.0.1' } as const;
