import type { FormInstance } from "antd";
import { ApiError } from "../api/client.js";

/**
 * Puts the server's field errors (`errors[].path`, e.g. "unitId" or "categories.0") on the matching
 * form fields. Returns the messages that match no field, for a general alert.
 */
export function applyFieldErrors<T>(
  form: FormInstance<T>,
  error: unknown,
  fields: readonly string[],
): string[] {
  if (!(error instanceof ApiError)) {
    return [error instanceof Error ? error.message : String(error)];
  }
  if (!error.errors || error.errors.length === 0) {
    return [error.detail];
  }
  const byField = new Map<string, string[]>();
  const unmatched: string[] = [];
  for (const e of error.errors) {
    const field = e.path.split(/[.[]/)[0] ?? "";
    if (fields.includes(field)) {
      byField.set(field, [...(byField.get(field) ?? []), e.message]);
    } else {
      unmatched.push(`${e.path}: ${e.message}`);
    }
  }
  form.setFields([...byField].map(([name, errors]) => ({ name: name as never, errors })));
  return unmatched;
}
