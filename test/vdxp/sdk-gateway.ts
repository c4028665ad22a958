/** The real gateway (exchange fixture, both dialects) on a real port, and SDK-like clients for its systems. */
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { buildExchangeFixture, type ExchangeFixture, type ExchangeFixtureOptions } from '../http/exchange-fixture.js';
import { SdkClient } from './sdk-client.js';

export interface SdkGateway {
  f: ExchangeFixture;
  /** `service.endpoint` for the SDK. */
  endpoint: string;
  /** A new connected system acting for these agencies, and a fresh SDK service object for it. */
  system(systemId: string, agencies: string[]): Promise<{ secret: string; client: () => SdkClient }>;
  close(): Promise<void>;
}

export async function startSdkGateway(options: ExchangeFixtureOptions = {}): Promise<SdkGateway> {
  const f = await buildExchangeFixture(options);
  const server: http.Server = f.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vdxp`;
  return {
    f,
    endpoint,
    async system(systemId, agencies) {
      const { credentials } = await f.systems.addSystem({ systemId, agencies });
      return { secret: credentials.secret, client: () => new SdkClient({ endpoint, systemId, secret: credentials.secret }) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await f.close();
    },
  };
}
