import { randomUUID } from "node:crypto";

/**
 * Row ids ordered by creation time: UUIDv7 (RFC 9562 §5.7). Random v4 ids land on a random page of
 * every index they are in, so a busy commit rewrites many pages; time-ordered ids append to the last
 * ones. Built from Node's randomUUID (which draws its randomness in batches; per-id crypto calls cost
 * more than the insert): the 48-bit millisecond timestamp replaces the first 12 hex digits and the
 * version digit becomes 7; the variant bits and the 74 random bits stay as they are.
 */
export function newId(now = Date.now()): string {
  const v4 = randomUUID();
  const ms = now.toString(16).padStart(12, "0");
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${v4.slice(15)}`;
}
