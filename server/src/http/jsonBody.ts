/**
 * JSON bodies with a bounded nesting depth (issue 14 §1). V8's JSON.parse copes with any depth, but
 * what walks the parsed value afterwards — the NUL check, the validator's error report
 * (JSON.stringify) — recurses, and a 1 MB body of `[[[[…` overflowed the stack: a 500 on the public
 * login route. No Fenghuo body comes near the limit (a GeoJSON multipolygon is 6 deep).
 */
import type { FastifyInstance } from "fastify";
import { badRequest } from "../errors.js";

export const MAX_JSON_DEPTH = 64;

/** Whether `text` (JSON, valid or not) opens more than `max` arrays/objects at once; one linear pass. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        i++; // backslash: the next character is escaped
      } else if (c === 0x22) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        return true;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** Replaces Fastify's JSON parser with the same parser behind the depth bound (400 naming the body). */
export function registerBoundedJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      const message = `JSON 嵌套超过 ${MAX_JSON_DEPTH} 层`;
      done(badRequest(`body: ${message}`, [{ path: "body", message }]), undefined);
      return;
    }
    parse(req, text, done);
  });
}
