import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

const SPEC_DIR = path.join(__dirname, "openlineage-spec");
const RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

/** An ajv validator holding the OpenLineage core schema and the facet schemas the events use. */
function validator(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(path.join(SPEC_DIR, "OpenLineage.json"), "utf8")));
  for (const file of readdirSync(path.join(SPEC_DIR, "facets"))) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(SPEC_DIR, "facets", file), "utf8")));
  }
  return ajv;
}

const ajv = validator();

/**
 * Problems with an event: the RunEvent schema, then every facet against the schema its
 * `_schemaURL` names (a facet whose schema is not vendored is a problem too).
 */
export function runEventProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (schemaUrl: string, value: unknown, where: string) => {
    const validate = ajv.getSchema(schemaUrl);
    if (!validate) return problems.push(`${where}: no schema ${schemaUrl}`);
    if (!validate(value)) problems.push(...(validate.errors ?? []).map((e) => `${where}${e.instancePath} ${e.message}`));
    return undefined;
  };
  check(RUN_EVENT, event, "event");
  const facetsOf = (owner: unknown, where: string) => {
    for (const [name, facet] of Object.entries(((owner as { facets?: Record<string, { _schemaURL: string }> }).facets) ?? {})) {
      check(facet._schemaURL, facet, `${where}.facets.${name}`);
    }
  };
  facetsOf(event.run, "run");
  facetsOf(event.job, "job");
  for (const [i, d] of ((event.inputs as unknown[]) ?? []).entries()) facetsOf(d, `inputs[${i}]`);
  for (const [i, d] of ((event.outputs as unknown[]) ?? []).entries()) facetsOf(d, `outputs[${i}]`);
  return problems;
}
