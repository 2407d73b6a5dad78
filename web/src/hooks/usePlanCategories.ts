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

/** Accepts `{categories}` or `{taxonomy: {categories}}`; categories as names or `{name}` objects. */
function namesFrom(body: unknown): string[] {
  if (typeof body !== "object" || body === null) {
    return [];
  }
  const taxonomy = "taxonomy" in body ? body.taxonomy : undefined;
  const list =
    "categories" in body
      ? body.categories
      : typeof taxonomy === "object" && taxonomy !== null && "categories" in taxonomy
        ? taxonomy.categories
        : undefined;
  if (!Array.isArray(list)) {
    return [];
  }
  return list.map(categoryName).filter((n): n is string => n !== undefined);
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
