import { DefinitionError } from "../errors";
import { checkName, checkTags, DEFINITION_KIND, type DefinitionMetadata } from "./definition";
import { isDtype, type Dtype } from "./dtypes";

export interface EntityOptions extends DefinitionMetadata {
  name: string;
  /** The entity's join key column, as a one-element list (Feast's `join_keys`). Defaults to the name. */
  joinKeys?: string[];
  /** The join key's dtype. Without it, a feature view's schema field named like the join key gives it. */
  valueType?: Dtype;
}

/**
 * Something features describe: a user, a driver, a merchant.
 *
 * @example
 * export const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
 */
export class Entity {
  readonly [DEFINITION_KIND] = "entity" as const;
  readonly name: string;
  readonly joinKey: string;
  readonly valueType?: Dtype;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;

  constructor(options: EntityOptions) {
    this.name = checkName("entity", options?.name);
    const what = `entity ${this.name}`;
    const keys = options.joinKeys ?? [this.name];
    if (!Array.isArray(keys) || keys.length !== 1) {
      throw new DefinitionError(
        `${what}: joinKeys must hold exactly one column, got ${JSON.stringify(keys)}`,
        "Feast entities have one join key; give a feature view several entities for a composite key",
      );
    }
    this.joinKey = checkName(`${what}: join key`, keys[0]);
    if (options.valueType !== undefined && !isDtype(options.valueType)) {
      throw new DefinitionError(`${what}: valueType ${JSON.stringify(options.valueType)} is not a dtype`, DTYPE_HINT);
    }
    this.valueType = options.valueType;
    this.description = options.description ?? "";
    this.tags = checkTags(what, options.tags);
    this.owner = options.owner ?? "";
  }

  /** Feast's `join_keys`: always one key. */
  get joinKeys(): string[] {
    return [this.joinKey];
  }
}

export const DTYPE_HINT =
  "dtypes are Int32, Int64, Float32, Float64, String, Bool, Bytes, UnixTimestamp, or Array(<one of those>)";
