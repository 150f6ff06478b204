import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";

// A real, certified OpenID provider (the `oidc-provider` package) on 127.0.0.1, issuing RS256 JWT
// access tokens with the client-credentials grant. Each client is one principal; the claims Feast
// reads (roles, groups) are added to its tokens. Keys can be rotated by restarting the provider on
// the same port with a new signing key first (the old one still published), as providers roll keys.

export interface TestPrincipal {
  clientId: string;
  roles?: string[];
  groups?: string[];
  /** Access token lifetime in seconds (default 600). */
  ttlSeconds?: number;
}

export interface OidcProviderHandle {
  issuer: string;
  discoveryUrl: string;
  /** The `aud` of every token. */
  audience: string;
  /** A fresh access token for the client. */
  token(clientId: string): Promise<string>;
  /** Restarts with a new signing key (kid) in front of the current ones; returns the new kid. */
  rotate(): Promise<string>;
  /** The current signing key's kid. */
  signingKid(): string;
  stop(): Promise<void>;
}

const AUDIENCE = "urn:skewless:feature-server";

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: "RS256", use: "sig", kid: `k-${Math.random().toString(36).slice(2, 10)}` };
}

export async function startOidcProvider(principals: TestPrincipal[]): Promise<OidcProviderHandle> {
  const { default: Provider } = await import("oidc-provider");
  const byId = new Map(principals.map((p) => [p.clientId, p]));
  let keys: JWK[] = [await signingKey()];
  let port = 0;
  let server: http.Server | undefined;

  const start = async () => {
    const issuer = `http://127.0.0.1:${port}`;
    const provider = new Provider(issuer, {
      clients: principals.map((p) => ({
        client_id: p.clientId, client_secret: `${p.clientId}-secret`, grant_types: ["client_credentials"],
        redirect_uris: [], response_types: [], token_endpoint_auth_method: "client_secret_post",
      })),
      jwks: { keys },
      cookies: { keys: ["test-only-cookie-key"] },
      features: {
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: "features", audience: AUDIENCE, accessTokenFormat: "jwt", jwt: { sign: { alg: "RS256" } } }),
        },
        devInteractions: { enabled: false },
      },
      ttl: { ClientCredentials: (_ctx: unknown, token: { clientId?: string }) => byId.get(token.clientId ?? "")?.ttlSeconds ?? 600 },
      extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => {
        const p = byId.get(token.clientId ?? "");
        return { roles: p?.roles ?? [], groups: p?.groups ?? [] };
      },
    });
    server = http.createServer(provider.callback());
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  };
  const stop = () => new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });

  await start();
  if (keys.length && port) {
    // The issuer names the port, which is only known once listening: restart with it set.
    await stop();
    await start();
  }
  const issuer = () => `http://127.0.0.1:${port}`;
  return {
    get issuer() { return issuer(); },
    get discoveryUrl() { return `${issuer()}/.well-known/openid-configuration`; },
    audience: AUDIENCE,
    async token(clientId) {
      // After a restart, a pooled keep-alive connection to the old server fails once: ask again.
      const request = () => fetch(`${issuer()}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: `${clientId}-secret`, scope: "features", resource: AUDIENCE }),
      });
      const res = await request().catch(request);
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token for ${clientId}: ${res.status} ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    async rotate() {
      keys = [await signingKey(), ...keys];
      await stop();
      await start();
      return keys[0].kid!;
    },
    signingKid: () => keys[0].kid!,
    stop,
  };
}
