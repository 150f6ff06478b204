import type { FeatureStore } from "../feature-store";
import { AccessControl } from "./access-control";
import type { AuditLog } from "./audit-log";
import { HttpAccessGuard } from "./http-guard";
import { OidcTokenVerifier, type OidcVerifierOptions } from "./oidc-verifier";

export interface ServeAccessOptions {
  audit?: AuditLog;
  /** Server log lines (authentication failures with their reason; never tokens). */
  log?: (line: string) => void;
  verifier?: OidcVerifierOptions;
}

/** The access control a store's `auth` asks for; undefined with `no_auth` (nothing enforced, as in Feast). */
export function accessControlFor(store: FeatureStore, audit?: AuditLog): AccessControl | undefined {
  if (store.config.auth.type === "no_auth") return undefined;
  return new AccessControl(async () => (await store.catalog()).model, store.project, audit);
}

/** The feature server's guard for `store`'s `auth`; undefined with `no_auth`. */
export function serveGuardFor(store: FeatureStore, options: ServeAccessOptions = {}): HttpAccessGuard | undefined {
  const auth = store.config.auth;
  const access = accessControlFor(store, options.audit);
  if (auth.type === "no_auth" || !access) return undefined;
  return new HttpAccessGuard(new OidcTokenVerifier(auth, options.verifier), access, options.audit, options.log);
}
