/**
 * Where the axis may push packages (docs/delivery.md, "Push endpoints"). An agency's endpoint is a URL an operator
 * typed, and the axis then POSTs to it from inside its own network: pointed at a cloud metadata service, a loopback
 * admin port or a private host, that would make the axis a proxy into places no agency should reach. So by default an
 * endpoint is https, on a public address; plain http and private networks are opened by the operator, explicitly
 * (PUSH_ALLOW_HTTP, PUSH_ALLOWED_HOSTS). The registry checks the URL when it is registered; the push client checks
 * every address a name resolves to when it connects, so a name that later resolves elsewhere (DNS rebinding) is
 * refused too.
 */
import { BlockList, isIP } from 'node:net';
import { AxisError } from '../../errors/axis-error.js';

export interface PushEndpointRules {
  /** PUSH_ALLOW_HTTP: plain http endpoints are accepted (a test set-up, or a private network behind its own TLS). */
  allowHttp: boolean;
  /**
   * PUSH_ALLOWED_HOSTS: host names (exact), IP addresses and CIDR ranges the axis may push to although they are
   * private (a ministry's internal network).
   */
  allowedHosts: readonly string[];
}

/** The default: https to public addresses only. */
export const STRICT_PUSH_ENDPOINTS: PushEndpointRules = Object.freeze({ allowHttp: false, allowedHosts: Object.freeze([]) as readonly string[] });

export interface PushEndpointPolicy {
  readonly rules: PushEndpointRules;
  /** The URL, normalised, if the axis may push to it as written; else AGENCY_ENDPOINT_INVALID / _INSECURE / _FORBIDDEN. */
  checkUrl(url: string): string;
  /** Whether the axis may connect to `address` (an IP) for the URL host `hostname`. */
  mayConnect(hostname: string, address: string): boolean;
}

/** Ranges no endpoint may point into unless allowed: this host, private networks, link-local (cloud metadata), and the like. */
const FORBIDDEN_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const FORBIDDEN_V6: [string, number][] = [
  ['::', 128], ['::1', 128], ['fe80::', 10], ['fc00::', 7], ['ff00::', 8], ['64:ff9b::', 96], ['2002::', 16],
];

function forbiddenRanges(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of FORBIDDEN_V4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of FORBIDDEN_V6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

const FORBIDDEN = forbiddenRanges();

const family = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** A URL's hostname without IPv6 brackets or a trailing dot, lower case. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

export function isForbiddenAddress(address: string): boolean {
  return isIP(address) !== 0 && FORBIDDEN.check(address, family(address));
}

function invalidRule(entry: string): AxisError {
  // src/config checks PUSH_ALLOWED_HOSTS at start-up: this is for a caller that builds rules by hand.
  return new AxisError('PUSH_RULE_INVALID', `The allowed push host "${entry.slice(0, 100)}" is not a host name, an IP address or a CIDR range.`);
}

export function createPushEndpointPolicy(rules: PushEndpointRules = STRICT_PUSH_ENDPOINTS): PushEndpointPolicy {
  const names = new Set<string>();
  const allowed = new BlockList();
  for (const raw of rules.allowedHosts) {
    const entry = raw.trim().toLowerCase();
    const [net, bits, extra] = entry.split('/');
    if (entry.length === 0) continue;
    if (extra !== undefined || net === undefined) throw invalidRule(raw);
    if (isIP(net) !== 0) {
      const max = isIP(net) === 6 ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (!/^\d{1,3}$/.test(bits ?? String(max)) || prefix > max) throw invalidRule(raw);
      allowed.addSubnet(net, prefix, family(net));
    } else if (bits === undefined && /^[a-z0-9]([a-z0-9-]{0,62}\.?)*$/.test(entry)) {
      names.add(bareHost(entry));
    } else {
      throw invalidRule(raw);
    }
  }
  const isAllowed = (hostname: string, address: string | undefined): boolean =>
    names.has(bareHost(hostname)) || (address !== undefined && isIP(address) !== 0 && allowed.check(address, family(address)));

  const mayConnect = (hostname: string, address: string): boolean => isAllowed(hostname, address) || !isForbiddenAddress(address);

  return {
    rules,
    mayConnect,
    checkUrl(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new AxisError('AGENCY_ENDPOINT_INVALID', `The endpoint "${url.slice(0, 200)}" is not a URL.`);
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AxisError('AGENCY_ENDPOINT_INVALID', 'The endpoint must be an https URL.');
      if (parsed.username || parsed.password) throw new AxisError('AGENCY_ENDPOINT_INVALID', 'The endpoint must not carry a user name or password: the axis signs every push instead.');
      if (parsed.protocol === 'http:' && !rules.allowHttp) {
        throw new AxisError('AGENCY_ENDPOINT_INSECURE', 'The endpoint must be https: packages are not pushed in clear text (an operator may allow http with PUSH_ALLOW_HTTP=true).');
      }
      const host = bareHost(parsed.hostname);
      // A name is checked when the push connects (every address it resolves to then); an address, and a name that
      // means this host, can be judged now.
      const literal = isIP(host) !== 0 ? host : host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : undefined;
      if (literal !== undefined && !mayConnect(host, literal)) {
        throw new AxisError('AGENCY_ENDPOINT_FORBIDDEN', `The endpoint's host ${host} is a loopback, private, link-local or metadata address: the axis does not push there (an operator may allow a private network with PUSH_ALLOWED_HOSTS).`, { host });
      }
      return parsed.toString();
    },
  };
}
