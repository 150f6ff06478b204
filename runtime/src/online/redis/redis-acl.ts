/**
 * Redis ACL rules for the two identities a deployment gives the online store: the feature server
 * reads (hashes, and Skewless's read script, whose commands Redis checks against the same ACL, so
 * a script cannot write for it), the materializer reads and writes. Neither may run admin
 * commands (CONFIG, FLUSHALL, KEYS, DEBUG, ...). The same text is a Redis `ACL SETUSER` rule list
 * and an ElastiCache user's access string.
 */
const COMMON = ["on", "~*", "resetchannels", "-@all", "+@connection", "+info", "+cluster|slots", "+cluster|shards", "+cluster|nodes", "+command"];

export const REDIS_ACL_RULES = {
  /** `skewless serve`: HMGET, HKEYS and the read script only. */
  reader: [...COMMON, "+@read", "+evalsha", "+eval", "+script|load", "+script|exists"],
  /** Materialization and push: reads plus HSET, EXPIRE, DEL, HDEL and the write script. */
  writer: [...COMMON, "+@read", "+@write", "+evalsha", "+eval", "+script|load", "+script|exists"],
} as const;

export type RedisRole = keyof typeof REDIS_ACL_RULES;

/** The rules as one access string (ElastiCache `accessString`, or `ACL SETUSER name <rules...>`). */
export function redisAccessString(role: RedisRole): string {
  return REDIS_ACL_RULES[role].join(" ");
}
