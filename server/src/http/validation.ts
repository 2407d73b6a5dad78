/**
 * Request validation (pipeline: validate). Two Ajv validators per schema: one that stops at the first
 * error, run on every request, and one that lists every error, run only when the first failed and the
 * input is small. A large invalid request (a 780 KB array of bad items) therefore costs one pass and
 * yields a bounded answer, instead of an error per item — hundreds of MB and seconds of a blocked
 * event loop. At most MAX_REPORTED_ERRORS errors are reported.
 *
 * Times are strict RFC 3339 instants: real calendar dates, no leap second, years 1900–2199 (an
 * emergency record from year 0000 is a typing error, and is refused by name rather than escalated).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

export const MAX_REPORTED_ERRORS = 20;
/** Above this size (JSON characters) only the first error is looked for. */
const FULL_REPORT_LIMIT = 64 * 1024;

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** A real instant: RFC 3339 with an offset, a date that exists, no 23:59:60, a plausible year. */
export function isStrictDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) {
    return false;
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  if (m[9] !== undefined && (Number(m[10]) > 14 || Number(m[11]) > 59)) {
    return false;
  }
  return !Number.isNaN(Date.parse(value));
}

/** A real calendar date (YYYY-MM-DD), years 1900–2199. */
export function isStrictDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) {
    return false;
  }
  const [year, month, day] = m.slice(1, 4).map(Number) as [number, number, number];
  return (
    year >= 1900 &&
    year <= 2199 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
  );
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(allErrors: boolean): Ajv {
  // Unknown fields are rejected by name, not dropped (DESIGN §5): no removeAdditional.
  const ajv = new Ajv({
    removeAdditional: false,
    allErrors,
    coerceTypes: "array",
    useDefaults: true,
    strict: false,
  });
  addFormats(ajv);
  ajv.addFormat("date-time", isStrictDateTime);
  ajv.addFormat("date", isStrictDate);
  return ajv;
}

const first = makeAjv(false);
const every = makeAjv(true);

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Fastify's validator compiler: first-error pass, then a bounded full report on small inputs. */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema }) => {
  const quick: ValidateFunction = first.compile(schema);
  let full: ValidateFunction | undefined;
  const validate: Validator = (data: unknown) => {
    if (quick(data)) {
      validate.errors = null;
      return true;
    }
    let errors = quick.errors ?? [];
    if (JSON.stringify(data ?? null).length <= FULL_REPORT_LIMIT) {
      full ??= every.compile(schema);
      full(data);
      errors = full.errors ?? errors;
    }
    validate.errors = errors.slice(0, MAX_REPORTED_ERRORS);
    return false;
  };
  return validate;
};

/** The first place in a parsed request value where a string holds a NUL character, as a dotted path. */
export function nulPath(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") {
    return value.includes("\u0000") ? path || "(value)" : undefined;
  }
  if (ArrayBuffer.isView(value)) {
    // A raw upload (an .xlsx body) is bytes, not text: walking it entry by entry took GBs and
    // minutes for a 14 MB file (issue 14 §1). Its own reader decides what its text may hold.
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], path ? `${path}.${i}` : String(i));
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (key.includes("\u0000")) {
        return here;
      }
      const found = nulPath(v, here);
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}
