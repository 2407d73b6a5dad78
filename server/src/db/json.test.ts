import { Type } from "typebox";
import { describe, expect, it } from "vitest";
import { JsonColumnError, jsonColumn } from "./json.js";

const codes = jsonColumn("warnings.division_codes", Type.Array(Type.String()));

describe("jsonColumn", () => {
  it.each([
    ['["110105001"]', ["110105001"]],
    ["[]", []],
  ])("decodes %s", (text, value) => {
    expect(codes.decode(text)).toEqual(value);
    expect(codes.decode(codes.encode(value))).toEqual(value);
  });

  it.each(["[1]", '{"a":1}', "not json"])("refuses %s naming the column", (text) => {
    expect(() => codes.decode(text)).toThrow(JsonColumnError);
    expect(() => codes.decode(text)).toThrow(/warnings\.division_codes/);
  });
});
