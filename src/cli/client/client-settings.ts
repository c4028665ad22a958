/**
 * Where `edx client` finds the axis and its credentials: `--url` or EDX_URL, `--key-id` or EDX_KEY_ID, and the secret
 * only from EDX_SECRET. A secret given as an argument would sit in the shell history and in every `ps` listing, so
 * the command refuses one before doing anything.
 */
import type { AgencyClientOptions } from '../../http/rest/agency-client.js';
import { ClientError, EXIT } from './client-run.js';

export interface ClientFlags {
  url?: string;
  keyId?: string;
  secret?: string;
}

export function axisUrl(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): string {
  if (flags.secret !== undefined) {
    throw new ClientError('CLIENT_SECRET_AS_ARGUMENT', 'The secret is never taken as an argument (it would show in the shell history and process list): set EDX_SECRET in the environment.', EXIT.usage);
  }
  const url = flags.url ?? env['EDX_URL'];
  if (!url) throw new ClientError('CLIENT_URL_MISSING', 'Say where the axis is: --url https://axis.example or EDX_URL.', EXIT.usage);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClientError('CLIENT_URL_INVALID', `"${url}" is not a URL: give the axis's base address, e.g. https://axis.example.`, EXIT.usage);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ClientError('CLIENT_URL_INVALID', `"${url}" is not an http(s) address.`, EXIT.usage);
  }
  return url.replace(/\/+$/, '');
}

export function clientSettings(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): AgencyClientOptions {
  const baseUrl = axisUrl(flags, env);
  const keyId = flags.keyId ?? env['EDX_KEY_ID'];
  if (!keyId) throw new ClientError('CLIENT_KEY_ID_MISSING', 'Give the key id issued with the credentials: --key-id ORGANID:HEX or EDX_KEY_ID.', EXIT.usage);
  const secret = env['EDX_SECRET'];
  if (!secret) throw new ClientError('CLIENT_SECRET_MISSING', 'Set the agency secret in the environment variable EDX_SECRET (never as an argument).', EXIT.usage);
  return { baseUrl, keyId, secret };
}
