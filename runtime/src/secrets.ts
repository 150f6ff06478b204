/**
 * Credentials this process has read from its configuration (Redis passwords, say), so that every
 * place text leaves the process (CLI errors, the server log, HTTP bodies) can blank them out even
 * when a driver quotes one in a message. Parsing keeps secrets out of messages in the first place;
 * this is the second line.
 */
const known = new Set<string>();

/** Shorter values would blank out ordinary words; they are not worth protecting this way. */
const MIN_LENGTH = 4;

export const REDACTED = "[redacted]";

/** Remembers a credential (and its percent-encoded spelling, as URLs carry it). */
export function rememberSecret(value: string | undefined): void {
  if (!value || value.length < MIN_LENGTH) return;
  known.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) known.add(encoded);
}

/** `text` with every remembered credential replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret containing another is blanked whole.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}
