import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { OidcAuthConfig } from "./auth-config";
import { AuthenticationError } from "./errors";
import { principalFromClaims, type Principal } from "./principal";

/** Feast accepts tokens up to 10 seconds past `exp`, for clock skew; so do we. */
const CLOCK_TOLERANCE_SECONDS = 10;
/** Feast's parser accepts RS256 only. */
const ALGORITHMS = ["RS256"];

interface Discovery {
  issuer?: string;
  jwks_uri?: string;
}

export interface OidcVerifierOptions {
  /**
   * Shortest pause between two JWKS fetches caused by tokens with an unknown `kid`: a rotated key is
   * picked up on first sight, while forged `kid`s cannot make us hammer the provider.
   */
  refetchCooldownMs?: number;
}

/**
 * Verifies bearer tokens from an OpenID provider: RS256 signature against the provider's JWKS
 * (fetched from its discovery document, cached `jwks_cache_lifespan_seconds`, refetched when a token
 * names a key the cache lacks, so rotations need no restart), `exp`/`nbf`, the issuer (the configured
 * one, else the discovery document's) and, when configured, the audience. Claims become a Principal
 * as Feast reads them.
 */
export class OidcTokenVerifier {
  private discovery: Promise<{ issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> }> | undefined;
  private readonly agent: http.Agent | undefined;

  constructor(private readonly config: OidcAuthConfig, private readonly options: OidcVerifierOptions = {}) {
    if (config.authDiscoveryUrl.startsWith("https:")) {
      const ca = config.caCertPath ? fs.readFileSync(config.caCertPath) : undefined;
      this.agent = new https.Agent({ ca, rejectUnauthorized: config.verifySsl });
    }
  }

  /** The principal a token names; AuthenticationError when it does not verify. */
  async verify(token: string): Promise<Principal> {
    const { issuer, jwks } = await this.provider();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ALGORITHMS,
        issuer: this.config.issuer ?? issuer,
        audience: this.config.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp"],
      }));
    } catch (e) {
      throw new AuthenticationError("Invalid or expired access token", reasonOf(e), e);
    }
    const principal = principalFromClaims(payload as Record<string, unknown>, this.config.clientId);
    if (!principal) throw new AuthenticationError("Invalid or expired access token", "no preferred_username, upn, azp, appid or sub claim");
    return principal;
  }

  /** Fetches the discovery document once; a failed fetch is retried on the next request. */
  private provider() {
    this.discovery ??= this.discover().catch((e) => {
      this.discovery = undefined;
      throw e;
    });
    return this.discovery;
  }

  private async discover() {
    const url = this.config.authDiscoveryUrl;
    let doc: Discovery;
    try {
      doc = JSON.parse(await getText(url, this.agent, this.config.jwksRequestTimeoutSeconds * 1000)) as Discovery;
    } catch (e) {
      throw new AuthenticationError("Invalid or expired access token", `cannot read the OIDC discovery document ${url}: ${(e as Error).message}`, e);
    }
    if (!doc.jwks_uri || !doc.issuer) {
      throw new AuthenticationError("Invalid or expired access token", `the OIDC discovery document ${url} has no ${doc.jwks_uri ? "issuer" : "jwks_uri"}`);
    }
    const jwks = createRemoteJWKSet(new URL(doc.jwks_uri), {
      agent: this.agent,
      cacheMaxAge: this.config.jwksCacheLifespanSeconds * 1000,
      timeoutDuration: this.config.jwksRequestTimeoutSeconds * 1000,
      cooldownDuration: this.options.refetchCooldownMs ?? 5_000,
    });
    return { issuer: doc.issuer, jwks };
  }
}

/** Why a token failed, in words safe for the server's log (never the token itself). */
function reasonOf(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return "token expired";
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `claim ${e.claim} ${e.reason}`;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return "signature does not verify";
  if (e instanceof joseErrors.JWKSNoMatchingKey) return "no provider key matches the token's kid";
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return "algorithm not allowed (RS256 only)";
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function getText(url: string, agent: http.Agent | undefined, timeoutMs: number): Promise<string> {
  const get = url.startsWith("https:") ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8")) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}
