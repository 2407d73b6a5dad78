/**
 * fast-check arbitraries from the OpenAPI document's JSON Schemas: values shaped like a valid request
 * (so the fuzz reaches the commands, not only the validator), and the same values with one part broken
 * in the ways issue 14 found (NUL, leap seconds, impossible dates, deep nesting, huge strings, unknown
 * fields, wrong types, missing fields).
 */
import fc from "fast-check";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
}

const MAX_DEPTH = 6;

/** A value the schema accepts (as far as a generator can tell; patterns may still be refused). */
export function fromSchema(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) {
    return fc.constant(null);
  }
  if (schema.const !== undefined) {
    return fc.constant(schema.const);
  }
  if (schema.enum) {
    return fc.constantFrom(...schema.enum);
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((s) => fromSchema(s, depth + 1)));
  }
  if (schema.allOf && schema.allOf.length > 0) {
    return fromSchema(Object.assign({}, ...schema.allOf) as JsonSchema, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return objectOf(schema, depth);
    case "array":
      return fc.array(fromSchema(schema.items ?? {}, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, 3)),
      });
    case "string":
      return stringOf(schema);
    case "integer":
      return fc.integer({ min: bound(schema.minimum, -1000), max: bound(schema.maximum, 100_000) });
    case "number":
      return fc.double({
        min: bound(schema.minimum ?? schema.exclusiveMinimum, -1000),
        max: bound(schema.maximum ?? schema.exclusiveMaximum, 100_000),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const bound = (value: number | undefined, fallback: number) =>
  value === undefined || !Number.isFinite(value) ? fallback : value;

function objectOf(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const keys = Object.keys(props);
  if (keys.length === 0) {
    return fc.constant({});
  }
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) {
    record[key] = fromSchema(props[key] ?? {}, depth + 1);
  }
  return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => keys.includes(k)) });
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === "date-time") {
    return fc
      .date({
        min: new Date("2020-01-01T00:00:00Z"),
        max: new Date("2030-12-31T00:00:00Z"),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  if (schema.format === "date") {
    return fc
      .date({
        min: new Date("2020-01-01T00:00:00Z"),
        max: new Date("2030-12-31T00:00:00Z"),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((s) => s.length <= (schema.maxLength ?? 200));
    } catch {
      // a pattern fast-check cannot read: fall through to a plain string
    }
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

/** What a broken part becomes. */
const GARBAGE: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant("注入\u0000空字符"),
  fc.constant("2026-06-30T23:59:60Z"),
  fc.constant("2026-02-31T08:00:00+08:00"),
  fc.constant("0000-01-01T00:00:00Z"),
  fc.constant('=HYPERLINK("http://evil.example","点击")'),
  fc.constant("<img src=x onerror=alert(1)>"),
  fc.constant("x".repeat(20_000)),
  fc.constant(-1e308),
  fc.constant(Number.MAX_SAFE_INTEGER),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.constant(nested(60)),
  fc.jsonValue({ maxDepth: 3 }),
);

function nested(depth: number): unknown {
  let v: unknown = "深";
  for (let i = 0; i < depth; i++) {
    v = { a: v };
  }
  return v;
}

type Path = (string | number)[];

function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths(v, [...at, i], out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      paths(v, [...at, k], out);
    }
  }
  return out;
}

function setAt(value: unknown, at: Path, next: unknown | typeof REMOVE): unknown {
  if (at.length === 0) {
    return next === REMOVE ? undefined : next;
  }
  const [head, ...rest] = at;
  if (Array.isArray(value)) {
    const copy = [...value];
    const i = head as number;
    if (rest.length === 0 && next === REMOVE) {
      copy.splice(i, 1);
    } else {
      copy[i] = setAt(copy[i], rest, next);
    }
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && next === REMOVE) {
    delete copy[head as string];
  } else {
    copy[head as string] = setAt(copy[head as string], rest, next);
  }
  return copy;
}

const REMOVE = Symbol("remove");

/** A schema-shaped value with one part broken: replaced by garbage, removed, or an unknown field added. */
export function broken(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc
    .tuple(fromSchema(schema), fc.nat(), fc.constantFrom("replace", "remove", "extra"), GARBAGE)
    .map(([value, n, how, garbage]) => {
      const all = paths(value);
      const at = all[n % all.length] ?? [];
      if (how === "extra" && value !== null && typeof value === "object" && !Array.isArray(value)) {
        return { ...(value as object), unknownField: garbage };
      }
      if (how === "remove" && at.length > 0) {
        return setAt(value, at, REMOVE);
      }
      return setAt(value, at, garbage);
    });
}

/** Any request body for the schema: valid-shaped, broken, or arbitrary JSON. */
export function requestBody(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  if (!schema) {
    return fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 }));
  }
  return fc.oneof(
    { weight: 3, arbitrary: fromSchema(schema) },
    { weight: 5, arbitrary: broken(schema) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}
