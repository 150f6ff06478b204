import * as fs from "node:fs";

/** One authorization decision. Names objects and features, never a value, a token or a claim beyond the principal's name. */
export interface AuditEntry {
  time: string;
  request_id: string;
  /** The caller's username; null when it could not be authenticated. */
  principal: string | null;
  /** `POST /get-online-features`, or `api getOnlineFeatures` for the runtime API. */
  operation: string;
  actions: string[];
  /** `FeatureView:user_credit`; null for an authentication failure. */
  object: string | null;
  /** The object's features the request names (empty when it names the object as a whole). */
  features: string[];
  decision: "allowed" | "denied";
  /** The permission that granted, or why it was denied. */
  reason: string;
}

/**
 * The audit trail: one JSON line per decision, to stderr or appended to a file. Lines are written
 * synchronously, so a decision is on disk before its response leaves.
 *
 * @example
 * const audit = AuditLog.toFile("/var/log/skewless/audit.jsonl");
 */
export class AuditLog {
  private constructor(private readonly writeLine: (line: string) => void) {}

  static toStderr(): AuditLog {
    return new AuditLog((line) => process.stderr.write(line));
  }

  static toFile(file: string): AuditLog {
    // O_APPEND ("a") and one write per line: the workers of `serve --workers N` append to one
    // file without interleaving or overwriting each other's lines.
    const fd = fs.openSync(file, "a", 0o600);
    return new AuditLog((line) => fs.writeSync(fd, line));
  }

  /** Collects lines in memory (tests, embedding). */
  static toArray(lines: AuditEntry[]): AuditLog {
    return new AuditLog((line) => lines.push(JSON.parse(line) as AuditEntry));
  }

  record(entry: Omit<AuditEntry, "time">): void {
    this.writeLine(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  }
}
