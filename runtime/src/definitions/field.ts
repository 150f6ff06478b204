import { DefinitionError } from "../errors";
import { checkName, checkTags } from "./definition";
import { isDtype, type Dtype } from "./dtypes";
import { DTYPE_HINT } from "./entity";

export interface FieldOptions {
  name: string;
  dtype: Dtype;
  description?: string;
  tags?: Record<string, string>;
}

/** One column of a feature view's schema: a feature, or (named like a join key) the entity column. */
export class Field implements FieldOptions {
  readonly name: string;
  readonly dtype: Dtype;
  readonly description: string;
  readonly tags: Record<string, string>;

  constructor(options: FieldOptions, owner = "schema") {
    this.name = checkName(`${owner}: field`, options?.name);
    if (!isDtype(options.dtype)) {
      throw new DefinitionError(
        `${owner}: field ${this.name} has dtype ${JSON.stringify(options.dtype)}, which does not exist`,
        DTYPE_HINT,
      );
    }
    this.dtype = options.dtype;
    this.description = options.description ?? "";
    this.tags = checkTags(`${owner}: field ${this.name}`, options.tags);
  }
}
