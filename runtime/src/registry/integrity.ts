import { createHash } from "node:crypto";
import * as protobuf from "protobufjs";
import { RegistryCorruptError } from "../errors";
import { decodeMessage, encodeMessage, UNKNOWN_FIELDS } from "./proto/codec";
import { REGISTRY_TYPE, type RegistryProto } from "./proto/types";

// Skewless writes a small seal as the first field of registry.db: the byte length and SHA-256 of
// everything after it. Feast ignores it (an unknown field). A truncated or damaged file that
// Skewless wrote is therefore always detected, even when the damage leaves valid protobuf behind.
// When Feast rewrites the file it keeps the seal as an unknown field at the end, where it is not
// checked and is dropped on our next write.

/** Field number of the seal in `feast.core.Registry`: far above anything Feast uses. */
const SEAL_FIELD = 1001;
const SEAL_TAG = (SEAL_FIELD << 3) | 2;

/** Serializes a registry, sealed. */
export function encodeRegistry(registry: RegistryProto): Uint8Array {
  const body = encodeMessage(REGISTRY_TYPE, withoutSeal(registry));
  const digest = createHash("sha256").update(body).digest();
  const seal = protobuf.Writer.create().uint32(2 << 3).uint32(body.length).uint32((3 << 3) | 2).bytes(digest).finish();
  const head = protobuf.Writer.create().uint32(SEAL_TAG).bytes(seal).finish();
  return Buffer.concat([head, body]);
}

/** Parses registry bytes; `location` names the file in errors. Never returns an empty registry for damaged bytes. */
export function decodeRegistry(bytes: Uint8Array, location: string): RegistryProto {
  if (bytes.length === 0) throw new RegistryCorruptError(location, "the file is empty (0 bytes)");
  const body = verifySeal(bytes, location);
  let registry: RegistryProto;
  try {
    registry = decodeMessage<RegistryProto>(REGISTRY_TYPE, body);
  } catch (e) {
    throw new RegistryCorruptError(location, `not a valid Feast registry protobuf (${(e as Error).message})`, e);
  }
  if (!registry.version_id && !registry.last_updated && !registry.registry_schema_version) {
    throw new RegistryCorruptError(location, "no version_id, last_updated or registry_schema_version: not a complete Feast registry");
  }
  return withoutSeal(registry);
}

function verifySeal(bytes: Uint8Array, location: string): Uint8Array {
  const reader = protobuf.Reader.create(bytes);
  let tag: number;
  try {
    tag = reader.uint32();
  } catch (e) {
    throw new RegistryCorruptError(location, "cannot read the first field", e);
  }
  if (tag !== SEAL_TAG) return bytes;   // written by Feast or another tool: no seal to check
  let expectedLength = -1;
  let expectedDigest: Uint8Array | undefined;
  try {
    const seal = protobuf.Reader.create(reader.bytes());
    while (seal.pos < seal.len) {
      const t = seal.uint32();
      if (t === 2 << 3) expectedLength = seal.uint32();
      else if (t === ((3 << 3) | 2)) expectedDigest = seal.bytes();
      else seal.skipType(t & 7);
    }
  } catch (e) {
    throw new RegistryCorruptError(location, "its integrity seal is truncated", e);
  }
  const body = bytes.subarray(reader.pos);
  if (body.length !== expectedLength) {
    throw new RegistryCorruptError(location, `expected ${expectedLength} bytes after the seal, found ${body.length} (truncated?)`);
  }
  const digest = createHash("sha256").update(body).digest();
  if (!expectedDigest || !digest.equals(Buffer.from(expectedDigest))) {
    throw new RegistryCorruptError(location, "its SHA-256 does not match the seal Skewless wrote: the contents were damaged");
  }
  return body;
}

function withoutSeal(registry: RegistryProto): RegistryProto {
  const unknown = registry[UNKNOWN_FIELDS];
  if (!unknown?.some(isSealChunk)) return registry;
  return { ...registry, [UNKNOWN_FIELDS]: unknown.filter((c) => !isSealChunk(c)) };
}

function isSealChunk(chunk: Uint8Array): boolean {
  try {
    return protobuf.Reader.create(chunk).uint32() === SEAL_TAG;
  } catch {
    return false;
  }
}
