import { describe, expect, it } from "vitest";
import { type AuditFields, auditHash, GENESIS_HASH, verifyRun } from "./chain.js";

function chain(n: number): (AuditFields & { hash: string })[] {
  const rows: (AuditFields & { hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const row: AuditFields = {
      seq,
      at: `2026-11-27T00:00:0${seq}.000Z`,
      actor_id: "u1",
      actor_name: "值班员",
      action: "incident.create",
      entity_type: "incident",
      entity_id: `i${seq}`,
      before: null,
      after: JSON.stringify({ n: seq }),
      request_id: "r",
      prev_hash: prev,
    };
    const hash = auditHash(row);
    rows.push({ ...row, hash });
    prev = hash;
  }
  return rows;
}

describe("audit hash chain", () => {
  it("accepts an intact chain", () => {
    const result = verifyRun(chain(5), 0, GENESIS_HASH);
    expect(result.ok).toBe(true);
  });

  it("names an edited row", () => {
    const rows = chain(5);
    const third = rows[2];
    if (third) {
      third.after = JSON.stringify({ n: 999 });
    }
    expect(verifyRun(rows, 0, GENESIS_HASH)).toMatchObject({ ok: false, break: { seq: 3 } });
  });

  it("names the gap left by a deleted row", () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyRun(rows, 0, GENESIS_HASH)).toMatchObject({ ok: false, break: { seq: 2 } });
  });

  it("catches rows swapped out of order", () => {
    const rows = chain(4);
    const [a, b, c, d] = rows;
    if (a && b && c && d) {
      const swapped = [a, { ...c, seq: 2 }, { ...b, seq: 3 }, d];
      expect(verifyRun(swapped, 0, GENESIS_HASH)).toMatchObject({ ok: false, break: { seq: 2 } });
    }
  });
});
