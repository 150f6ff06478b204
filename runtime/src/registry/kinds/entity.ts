import { describeValueType } from "../../definitions/dtypes";
import { Entity } from "../../definitions/entity";
import type { EntityProto } from "../proto/types";
import { entityToProto } from "../to-proto";
import { others } from "./flat";
import type { SpecHandler } from "./handler";
import { metadataFromProto, metadataOptions, type ObjectSpecMetadata } from "./spec-input";

export interface EntitySpec extends ObjectSpecMetadata {
  name: string;
  joinKey: string;
  /** The join key's dtype (`"Int64"`); `""` when unknown. */
  valueType: string;
}

export const entityHandler: SpecHandler<EntityProto, EntitySpec> = {
  fromProto(proto) {
    const s = proto.spec ?? {};
    return { name: s.name ?? "", joinKey: s.join_key ?? "", valueType: s.value_type ? describeValueType(s.value_type) : "", ...metadataFromProto(s) };
  },
  toProto: (spec, project) => entityToProto(entityFromSpec(spec), project),
  check(spec) {
    entityHandler.toProto(spec, "check");
  },
  flatten(proto) {
    const { name: _name, ...spec } = entityHandler.fromProto(proto);
    return { ...spec, ...others(proto.spec ?? {}, ["name", "project", "join_key", "value_type", "description", "owner", "tags"]) };
  },
};

function entityFromSpec(spec: EntitySpec): Entity {
  return new Entity({
    name: spec.name,
    joinKeys: [spec.joinKey],
    valueType: spec.valueType ? (spec.valueType as Entity["valueType"]) : undefined,
    ...metadataOptions(spec),
  });
}
