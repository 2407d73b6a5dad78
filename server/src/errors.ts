/** A field-level problem: `path` names the field ("title", "figures.dead", "rows[3].phone"). */
export interface FieldError {
  path: string;
  message: string;
}

/** An error that maps to one problem+json response (RFC 9457). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable machine code, becomes the problem `type` suffix. */
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, "invalid-input", "请求参数无效", detail, errors);

export const unauthorized = (detail = "请先登录") => new AppError(401, "unauthenticated", "未登录", detail);

/** `needed` says which role or authority the action requires, so the user knows whom to ask. */
export const forbidden = (detail: string, needed?: string[]) =>
  new AppError(403, "forbidden", "无权执行此操作", detail, undefined, needed ? { needed } : undefined);

export const notFound = (what: string) => new AppError(404, "not-found", "未找到", `${what}不存在`);

export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new AppError(409, "conflict", "当前状态不允许此操作", detail, undefined, extra);

export const tooLarge = (detail = "请求体超过 1 MB") => new AppError(413, "too-large", "请求过大", detail);

export const rateLimited = (detail: string) => new AppError(429, "rate-limited", "请求过于频繁", detail);
