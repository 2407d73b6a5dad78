import { describe, expect, it } from "vitest";
import { newId } from "./ids.js";

describe("newId", () => {
  it("is a UUIDv7 carrying the creation time (RFC 9562 §5.7)", () => {
    const at = Date.UTC(2026, 10, 27, 9, 30);
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at);
  });

  it("sorts later ids after earlier ones and never repeats", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => newId(1_800_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
