// oidc-provider ships no type declarations; the tests use it only through test/helpers/oidc-provider.ts.
declare module "oidc-provider" {
  const Provider: new (issuer: string, configuration: Record<string, unknown>) => {
    callback(): (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void;
    [key: string]: unknown;
  };
  export default Provider;
}
