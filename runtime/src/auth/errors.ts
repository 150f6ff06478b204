import { SkewlessError } from "../errors";

/** No credentials, or credentials that do not verify (HTTP 401). The reason is for logs, never for callers. */
export class AuthenticationError extends SkewlessError {
  constructor(message: string, readonly reason = message, cause?: unknown) {
    super("UNAUTHENTICATED", message, { hint: "send `Authorization: Bearer <access token>` from the identity provider feature_store.yaml's auth names", cause });
  }
}

/**
 * The principal may not do this (HTTP 403). `detail` is Feast's FeastPermissionError text: it names
 * the permission, the action and the object, never a feature value.
 */
export class PermissionDeniedError extends SkewlessError {
  constructor(readonly detail: string) {
    super("PERMISSION_DENIED", `Permission error:\n${detail}`, { hint: "ask for a Permission that grants this action to one of your roles, groups or namespaces" });
  }
}
