import { SkewlessError } from "../errors";
import { redactSecrets } from "../secrets";

/** Where commands write; tests pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (colours, progress bars). */
  isTTY: boolean;
  /** Whether to use ANSI colours. */
  color: boolean;
}

export function processOutput(): Output {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    isTTY,
    color: isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb",
  };
}

/** `error: <message>` plus the hint; unexpected errors also name their type. */
export function formatError(error: unknown): string {
  return redactSecrets(errorText(error));
}

function errorText(error: unknown): string {
  if (error instanceof SkewlessError) return `error: ${error.describe()}`;
  if (error instanceof Error) return `error: ${error.message} (${error.name})`;
  return `error: ${String(error)}`;
}
