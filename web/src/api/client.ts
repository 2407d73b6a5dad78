import { i18n } from "../i18n/index.js";

/** A field-level problem from the server; `path` names the field ("unitId", "categories.0"). */
export interface FieldError {
  path: string;
  message: string;
}

/** An error response (application/problem+json, RFC 9457); `detail` is written for users, in Chinese. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  /** For 403: which role or authority the action needs. */
  readonly needed: string[] | undefined;

  constructor(init: {
    status: number;
    title: string;
    detail: string;
    errors?: FieldError[];
    needed?: string[];
  }) {
    super(init.detail);
    this.name = "ApiError";
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.needed = init.needed;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Login and the session probe handle 401 themselves instead of going to the login page. */
  redirectOn401?: boolean;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | undefined;

/** The token from login or GET /api/me; sent as X-CSRF-Token on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request comes back 401 (session expired): the app sends the user to the login page. */
export function onUnauthorized(handler: (() => void) | undefined): void {
  unauthorizedHandler = handler;
}

function buildUrl(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) {
    return path;
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    // Empty strings are kept: `parent=` means "root units" to the org API.
    if (value !== undefined && value !== null) {
      params.append(key, String(value));
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asFieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.filter(
    (e): e is FieldError => isRecord(e) && typeof e.path === "string" && typeof e.message === "string",
  );
}

function asStrings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

/** Turns any error body (problem+json, plain JSON, HTML from a proxy) into an ApiError. */
export function problemFrom(status: number, body: unknown): ApiError {
  const fallback = i18n.t("common.httpError", { status });
  if (!isRecord(body)) {
    return new ApiError({ status, title: fallback, detail: fallback });
  }
  const title = typeof body.title === "string" ? body.title : fallback;
  const detail = typeof body.detail === "string" && body.detail !== "" ? body.detail : title;
  const errors = asFieldErrors(body.errors);
  const needed = asStrings(body.needed);
  return new ApiError({
    status,
    title,
    detail,
    ...(errors ? { errors } : {}),
    ...(needed ? { needed } : {}),
  });
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) {
    return undefined;
  }
  const text = await response.text();
  if (text === "") {
    return undefined;
  }
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) {
    return text;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One HTTP call to the Fenghuo API: JSON in and out, session cookie, CSRF header on writes. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (WRITE_METHODS.has(method) && csrfToken) {
    headers["X-CSRF-Token"] = csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") {
      throw error;
    }
    const detail = i18n.t("common.networkError");
    throw new ApiError({ status: 0, title: detail, detail });
  }
  const body = await readBody(response);
  if (response.ok) {
    return body as T;
  }
  const problem = problemFrom(response.status, body);
  if (response.status === 401 && options.redirectOn401 !== false) {
    unauthorizedHandler?.();
  }
  throw problem;
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) =>
    request<T>("GET", path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, { body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, { body }),
  delete: <T = void>(path: string) => request<T>("DELETE", path),
};

/** The message to show a user for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.detail;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
