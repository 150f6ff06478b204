import type { InfraPlan } from "../online/infra";
import { isHidden, kindLabel, type ObjectChange, type PropertyChange, type RegistryPlan } from "./diff";

export interface RenderOptions {
  /** ANSI colours (green create, yellow update, red delete). */
  color?: boolean;
  /** `future` for a plan not yet applied ("Will create sqlite table ..."); `past` (default) once applied ("Created ..."). */
  tense?: "future" | "past";
}

const COLORS = { create: "\u001b[32m", update: "\u001b[33m", delete: "\u001b[31m", reset: "\u001b[0m" };
const SYMBOLS = { create: "+", update: "~", delete: "-" };

/**
 * A plan as reviewers read it, one object a line:
 *   ~ update feature view user_stats: ttl 1d -> 2d
 * and an indented line per property when several changed. "No changes to registry" when empty.
 * A plan with an infra part gets Feast's infra section after it.
 */
export function renderPlan(plan: RegistryPlan & { infra?: InfraPlan }, options: RenderOptions = {}): string {
  const infra = plan.infra ? `\n\n${renderInfraPlan(plan.infra, options)}` : "";
  const visible = plan.changes.filter((c) => !isHidden(c));
  if (visible.length === 0) return `No changes to registry${infra}`;
  const lines = visible.map((c) => renderChange(c, options));
  const count = (action: string) => visible.filter((c) => c.action === action).length;
  lines.push("", `Plan: ${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete.`);
  return lines.join("\n") + infra;
}

/**
 * Feast's infra lines once applied: `Created sqlite table p_user_stats`; for a plan, what will
 * happen: `Will create sqlite table p_user_stats`; or `No changes to infrastructure`.
 */
export function renderInfraPlan(infra: InfraPlan, options: RenderOptions = {}): string {
  if (infra.changes.length === 0) return "No changes to infrastructure";
  const future = options.tense === "future";
  const verbs = future ? { create: "Will create", delete: "Will delete" } : { create: "Created", delete: "Deleted" };
  return infra.changes
    .map((c) => {
      const color = options.color ? COLORS[c.action] : "";
      const reset = options.color ? COLORS.reset : "";
      return `${verbs[c.action]} ${c.kind} ${color}${c.name}${reset}`;
    })
    .join("\n");
}

export function renderChange(change: ObjectChange, options: RenderOptions = {}): string {
  const paint = (text: string) => (options.color ? `${COLORS[change.action]}${text}${COLORS.reset}` : text);
  const head = `${paint(SYMBOLS[change.action])} ${change.action} ${kindLabel(change.kind)} ${paint(change.name)}`;
  if (change.changes.length === 0) return head;
  if (change.changes.length === 1) return `${head}: ${renderProperty(change.changes[0])}`;
  return [`${head}:`, ...change.changes.map((p) => `      ${renderProperty(p)}`)].join("\n");
}

/** `ttl 1d -> 2d`, `features + ctr: Float32`, `tags.team - growth`. */
export function renderProperty(change: PropertyChange): string {
  if (change.before !== undefined && change.after !== undefined) return `${change.property} ${show(change.before)} -> ${show(change.after)}`;
  if (change.after !== undefined) return `${change.property} + ${show(change.after)}`;
  return `${change.property} - ${show(change.before)}`;
}

function show(value: string | undefined): string {
  if (value === undefined || value === "") return "(none)";
  return /[\s]/.test(value) && !value.includes(": ") && !value.includes(", ") ? JSON.stringify(value) : value;
}
