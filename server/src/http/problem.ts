import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type FieldError } from "../errors.js";

const PROBLEM_BASE = "https://fenghuo.local/problems/";

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns an Ajv error into a field path and a Chinese message a duty officer can act on. */
function fieldErrorFromAjv(e: AjvError, context: string | undefined): FieldError {
  const segments = e.instancePath.split("/").filter(Boolean);
  let field = segments.join(".");
  let message: string;
  switch (e.keyword) {
    case "required":
      field = [...segments, String(e.params.missingProperty)].join(".");
      message = "必填";
      break;
    case "additionalProperties":
      field = [...segments, String(e.params.additionalProperty)].join(".");
      message = `未知字段 ${String(e.params.additionalProperty)}`;
      break;
    case "type":
      message = `类型应为 ${String(e.params.type)}`;
      break;
    case "enum":
      message = `取值应为 ${(e.params.allowedValues as unknown[]).join(" / ")} 之一`;
      break;
    case "minLength":
      message = Number(e.params.limit) === 1 ? "不能为空" : `至少 ${String(e.params.limit)} 个字符`;
      break;
    case "maxLength":
      message = `最多 ${String(e.params.limit)} 个字符`;
      break;
    case "minimum":
      message = `不能小于 ${String(e.params.limit)}`;
      break;
    case "maximum":
      message = `不能大于 ${String(e.params.limit)}`;
      break;
    case "format":
      message = `格式应为 ${String(e.params.format)}`;
      break;
    case "pattern":
      message = "格式不正确";
      break;
    default:
      message = e.message ?? e.keyword;
  }
  const prefix = context && context !== "body" ? `${context}.` : "";
  return { path: `${prefix}${field}` || context || "body", message };
}

const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "不是有效的 JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "JSON 请求体为空",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "不支持的内容类型（Content-Type）",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "请求体长度与 Content-Length 不符",
};

/** Maps every error to application/problem+json once, here (STYLE: errors). */
export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let status: number;
    let body: Record<string, unknown>;
    if (error instanceof AppError) {
      status = error.status;
      // Extra facts (the entity's state, what is available …) never replace the problem's own
      // members: an entity's `status` travels as `state`.
      const { status: entityStatus, ...extra } = error.extra ?? {};
      body = {
        ...(entityStatus !== undefined && !("state" in extra) ? { state: entityStatus } : {}),
        ...extra,
        type: PROBLEM_BASE + error.code,
        title: error.title,
        status,
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      };
    } else if (error.validation) {
      status = 400;
      const errors = (error.validation as AjvError[]).map((e) =>
        fieldErrorFromAjv(e, error.validationContext),
      );
      body = {
        type: `${PROBLEM_BASE}invalid-input`,
        title: "请求参数无效",
        status,
        detail: errors.map((e) => `${e.path}: ${e.message}`).join("; "),
        errors,
      };
    } else if (error.statusCode === 413 || error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      status = 413;
      body = { type: `${PROBLEM_BASE}too-large`, title: "请求过大", status, detail: "请求体超过 1 MB" };
    } else if (error.statusCode === 429) {
      status = 429;
      body = { type: `${PROBLEM_BASE}rate-limited`, title: "请求过于频繁", status, detail: error.message };
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors: bad JSON, wrong content type, empty body — all about the body.
      status = error.statusCode;
      const message = BODY_ERRORS[error.code] ?? error.message;
      body = {
        type: `${PROBLEM_BASE}bad-request`,
        title: "请求无效",
        status,
        detail: `body: ${message}`,
        ...(error.code?.startsWith("FST_ERR_CTP") ? { errors: [{ path: "body", message }] } : {}),
      };
    } else {
      status = 500;
      request.log.error({ err: error, requestId: request.id }, "unhandled error");
      body = {
        type: `${PROBLEM_BASE}internal`,
        title: "服务器内部错误",
        status,
        detail: `请联系管理员并提供请求编号 ${request.id}`,
      };
    }
    reply
      .status(status)
      .type("application/problem+json")
      .send({ ...body, requestId: request.id });
  });
}

/** 404 as problem+json, for API paths and non-GET requests. */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply): void {
  reply
    .status(404)
    .type("application/problem+json")
    .send({
      type: `${PROBLEM_BASE}not-found`,
      title: "未找到",
      status: 404,
      detail: `${request.method} ${request.url} 不存在`,
    });
}

/** The router's own errors (before any route or hook runs), as problem+json. */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
  reply
    .status(status)
    .type("application/problem+json")
    .send({
      type: `${PROBLEM_BASE}${tooLong ? "uri-too-long" : "bad-request"}`,
      title: tooLong ? "请求地址过长" : "请求无效",
      status,
      detail: tooLong ? "路径参数过长" : error.message,
      requestId: request.id,
    });
}
