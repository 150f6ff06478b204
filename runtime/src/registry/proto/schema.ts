import * as path from "node:path";
import * as protobuf from "protobufjs";

/** The folder holding Skewless's own `.proto` files for Feast's `feast.core` / `feast.types`. */
export const PROTO_DIR = path.resolve(__dirname, "..", "..", "..", "proto");

const ENTRY_FILES = ["feast/core/registry.proto", "feast/types/value.proto"];

let root: protobuf.Root | undefined;

/** The protobufjs root with every Feast message Skewless knows, loaded once. */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  // google/protobuf/* are protobufjs's bundled well-known types; everything else is ours.
  r.resolvePath = (_origin, target) =>
    target.startsWith("google/protobuf/") ? target : path.join(PROTO_DIR, target);
  r.loadSync(ENTRY_FILES, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** Looks up a message type by its full name, e.g. `feast.core.Registry`. */
export function messageType(fullName: string): protobuf.Type {
  return protoRoot().lookupType(fullName);
}
