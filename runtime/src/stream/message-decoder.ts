import * as avro from "avsc";
import { InvalidArgumentError } from "../errors";
import type { KafkaInfo } from "../registry/catalog";

/** Turns a Kafka message's value into a record of fields; throws on a value it cannot read. */
export type MessageDecoder = (value: Buffer) => Record<string, unknown>;

/**
 * The decoder for a Kafka source's message format: JSON objects, or Avro binary in the source's
 * schema, plain or behind a schema registry's header (magic byte 0 and a 4-byte schema id).
 */
export function messageDecoder(source: string, kafka: KafkaInfo): MessageDecoder {
  if (kafka.format === "json") return decodeJson;
  if (kafka.format === "avro") {
    let type: avro.Type;
    try {
      type = avro.Type.forSchema(JSON.parse(kafka.schemaJson) as avro.Schema);
    } catch (error) {
      throw new InvalidArgumentError(`KafkaSource ${source}: its avro schema cannot be read (${(error as Error).message})`, "set messageFormat.schema to the Avro schema as JSON text");
    }
    return (value) => decodeAvro(type, value);
  }
  throw new InvalidArgumentError(`KafkaSource ${source}: its message format is neither json nor avro`, "Skewless reads json and avro messages");
}

function decodeJson(value: Buffer): Record<string, unknown> {
  const parsed: unknown = JSON.parse(value.toString("utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("the message is not a JSON object");
  return parsed as Record<string, unknown>;
}

function decodeAvro(type: avro.Type, value: Buffer): Record<string, unknown> {
  const whole = (buffer: Buffer) => {
    const { value: decoded, offset } = type.decode(buffer, 0);
    return offset === buffer.length ? decoded : undefined;
  };
  let decoded: unknown;
  try {
    decoded = whole(value);
  } catch {
    decoded = undefined;
  }
  // A schema registry's framing: magic byte 0, then a 4-byte schema id, then the Avro body.
  if (decoded === undefined && value.length > 5 && value[0] === 0) decoded = whole(value.subarray(5));
  if (typeof decoded !== "object" || decoded === null) throw new Error("the message is not an Avro record of the source's schema");
  return { ...(decoded as Record<string, unknown>) };
}
