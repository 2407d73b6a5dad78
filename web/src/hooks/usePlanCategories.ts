import { useEffect, useState } from "react";
import { api } from "../api/client.js";

/** Seed 000 §1.2.3: the four categories of the general plan, used until the plan API answers. */
export const GENERAL_PLAN_CATEGORIES = ["自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"];

function categoryName(value: unknown): string | undefined {
  if (typeof value === "string") {
    return value;
  }
  if (typeof value === "object" && value !== null && "name" in value && typeof value.name === "string") {
    return value.name;
  }
  return undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** GET /api/plan answers `{profile: {taxonomy: {categories: [{id, name}]}}}`; users hold category names. */
function namesFrom(body: unknown): string[] {
  const candidates = [
    field(field(field(body, "profile"), "taxonomy"), "categories"),
    field(field(body, "taxonomy"), "categories"),
    field(body, "categories"),
  ];
  const list = candidates.find(Array.isArray);
  return Array.isArray(list) ? list.map(categoryName).filter((n): n is string => n !== undefined) : [];
}

/** The active plan's event categories (what a district leader can be in charge of). */
export function usePlanCategories(): { categories: string[]; fallback: boolean } {
  const [state, setState] = useState<{ categories: string[]; fallback: boolean }>({
    categories: GENERAL_PLAN_CATEGORIES,
    fallback: true,
  });
  useEffect(() => {
    const controller = new AbortController();
    api
      .get<unknown>("/api/plan", undefined, controller.signal)
      .then((body) => {
        const names = namesFrom(body);
        if (names.length > 0) {
          setState({ categories: names, fallback: false });
        }
      })
      .catch(() => {
        // Endpoint not there yet (404) or failing: keep the general plan's four categories.
      });
    return () => controller.abort();
  }, []);
  return state;
}
