/**
 * CAP 1.2 input (issue 5 §3): parses an upper-level alert and checks what CAP 1.2 requires (the
 * mandatory elements, their value lists, times with an offset, polygon/circle syntax), naming each
 * problem by its path. Anything that is not a CAP 1.2 alert — not XML, another root, CAP 1.1 — gets
 * one clear message. Pure: no database.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { FieldError } from "../../../errors.js";
import { CAP_NS } from "./export.js";

const CAP_11_NS = "urn:oasis:names:tc:emergency:cap:1.1";
const CAP_10_NS = "http://www.incident.com/cap/1.0";

const STATUS = ["Actual", "Exercise", "System", "Test", "Draft"];
const MSG_TYPE = ["Alert", "Update", "Cancel", "Ack", "Error"];
const SCOPE = ["Public", "Restricted", "Private"];
const CATEGORY = [
  "Geo",
  "Met",
  "Safety",
  "Security",
  "Rescue",
  "Fire",
  "Health",
  "Env",
  "Transport",
  "Infra",
  "CBRNE",
  "Other",
];
const URGENCY = ["Immediate", "Expected", "Future", "Past", "Unknown"];
const SEVERITY = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"];
const CERTAINTY = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"];
/**
 * Bounds on an imported message, checked by a linear scan before any parser builds a tree: a real CAP
 * alert is about 5 elements deep (alert › info › area › geocode › value; a signature adds a few) and
 * has hundreds of elements at most, while an unbounded depth makes the parsers throw (a 500) or
 * recurse. The size matches the request body limit, for callers that are not HTTP.
 */
export const CAP_LIMITS = { maxChars: 1024 * 1024, maxDepth: 32, maxElements: 10_000 } as const;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;
const NO_SPACE = /^[^\s,&<]+$/;

export interface CapArea {
  areaDesc: string;
  /** Rings as GeoJSON [lon, lat] positions (CAP writes lat,lon). */
  polygons: number[][][];
  circles: { lon: number; lat: number; radiusKm: number }[];
  geocodes: { valueName: string; value: string }[];
}

export interface CapInfo {
  language: string;
  categories: string[];
  event: string;
  urgency: string;
  severity: string;
  certainty: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  contact?: string;
  web?: string;
  effective?: string;
  onset?: string;
  expires?: string;
  areas: CapArea[];
}

export interface CapAlert {
  identifier: string;
  sender: string;
  sent: string;
  status: string;
  msgType: string;
  scope: string;
  note?: string;
  references: { sender: string; identifier: string; sent: string }[];
  infos: CapInfo[];
}

export type CapParseResult =
  | { ok: true; alert: CapAlert }
  | { ok: false; detail: string; errors: FieldError[] };

type Node = Record<string, unknown>;

const ARRAYS = new Set([
  "info",
  "area",
  "polygon",
  "circle",
  "geocode",
  "category",
  "responseType",
  "eventCode",
  "parameter",
  "resource",
  "code",
]);

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) {
    return undefined;
  }
  if (typeof v === "object") {
    const t = (v as Node)["#text"];
    return t === undefined ? undefined : String(t).trim();
  }
  return String(v).trim();
}

function fail(detail: string, errors: FieldError[] = [{ path: "body", message: detail }]): CapParseResult {
  return { ok: false, detail, errors };
}

/**
 * The first bound of CAP_LIMITS the XML exceeds, as a message; undefined when within them. Counts
 * start tags outside comments, CDATA and processing instructions; a `>` inside a quoted attribute
 * value does not end a tag. Malformed XML is left to the validator.
 */
function exceededLimit(xml: string): string | undefined {
  if (xml.length > CAP_LIMITS.maxChars) {
    return `CAP 消息超过 ${CAP_LIMITS.maxChars} 个字符`;
  }
  let depth = 0;
  let elements = 0;
  let i = 0;
  for (;;) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      return undefined;
    }
    const skipTo = xml.startsWith("<!--", lt)
      ? ["-->", lt + 4]
      : xml.startsWith("<![CDATA[", lt)
        ? ["]]>", lt + 9]
        : xml.startsWith("<?", lt)
          ? ["?>", lt + 2]
          : undefined;
    if (skipTo) {
      const [end, from] = skipTo as [string, number];
      const at = xml.indexOf(end, from);
      if (at < 0) {
        return undefined;
      }
      i = at + end.length;
      continue;
    }
    let j = lt + 1;
    let quote = "";
    for (; j < xml.length; j++) {
      const c = xml[j];
      if (quote) {
        if (c === quote) {
          quote = "";
        }
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === ">") {
        break;
      }
    }
    if (xml[lt + 1] === "/") {
      depth--;
    } else if (xml[lt + 1] !== "!") {
      elements++;
      if (xml[j - 1] !== "/") {
        depth++;
      }
      if (depth > CAP_LIMITS.maxDepth) {
        return `CAP 消息的元素嵌套超过 ${CAP_LIMITS.maxDepth} 层`;
      }
      if (elements > CAP_LIMITS.maxElements) {
        return `CAP 消息的元素超过 ${CAP_LIMITS.maxElements} 个`;
      }
    }
    i = j + 1;
  }
}

/** The root element's name and namespace (xmlns or xmlns:prefix), before prefixes are dropped. */
function rootNamespace(xml: string): { name: string; ns: string | undefined } | undefined {
  const raw = new XMLParser({ ignoreAttributes: false, removeNSPrefix: false, parseTagValue: false }).parse(
    xml,
  ) as Node;
  const key = Object.keys(raw).find((k) => !k.startsWith("?") && !k.startsWith("#"));
  if (!key) {
    return undefined;
  }
  const node = raw[key] as Node | string;
  const attrs = typeof node === "object" && node !== null ? node : {};
  const prefix = key.includes(":") ? key.split(":")[0] : undefined;
  const ns = text(attrs[prefix ? `@_xmlns:${prefix}` : "@_xmlns"]);
  return { name: key.replace(/^.*:/, ""), ns };
}

function parsePolygon(s: string, path: string, errors: FieldError[]): number[][] | undefined {
  const pairs = s.trim().split(/\s+/);
  const ring: number[][] = [];
  for (const pair of pairs) {
    const [lat, lon] = pair.split(",").map(Number);
    if (
      lat === undefined ||
      lon === undefined ||
      !Number.isFinite(lat) ||
      !Number.isFinite(lon) ||
      Math.abs(lat) > 90 ||
      Math.abs(lon) > 180
    ) {
      errors.push({ path, message: `多边形坐标“${pair}”应为 纬度,经度` });
      return undefined;
    }
    ring.push([lon, lat]);
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length < 4 || !first || !last || first[0] !== last[0] || first[1] !== last[1]) {
    errors.push({ path, message: "CAP 多边形至少 4 个坐标对且首尾相同" });
    return undefined;
  }
  return ring;
}

function parseCircle(s: string, path: string, errors: FieldError[]): CapArea["circles"][number] | undefined {
  const m = /^\s*(-?[\d.]+),(-?[\d.]+)\s+([\d.]+)\s*$/.exec(s);
  const lat = Number(m?.[1]);
  const lon = Number(m?.[2]);
  const radiusKm = Number(m?.[3]);
  if (!m || !Number.isFinite(lat) || !Number.isFinite(lon) || !Number.isFinite(radiusKm)) {
    errors.push({ path, message: `圆形区域“${s}”应为 纬度,经度 半径（公里）` });
    return undefined;
  }
  return { lon, lat, radiusKm };
}

function required(node: Node, name: string, path: string, errors: FieldError[], allowed?: string[]): string {
  const v = text(node[name]);
  if (v === undefined || v === "") {
    errors.push({ path: `${path}.${name}`, message: "CAP 1.2 必填元素缺失" });
    return "";
  }
  if (allowed && !allowed.includes(v)) {
    errors.push({
      path: `${path}.${name}`,
      message: `“${v}”不是 CAP 1.2 允许的值（${allowed.join(" / ")}）`,
    });
  }
  return v;
}

function optionalTime(node: Node, name: string, path: string, errors: FieldError[]): string | undefined {
  const v = text(node[name]);
  if (v !== undefined && !DATE_TIME.test(v)) {
    errors.push({ path: `${path}.${name}`, message: "时间应为 YYYY-MM-DDThh:mm:ss±hh:mm（CAP 不允许 Z）" });
  }
  return v;
}

/** Parses and checks one CAP 1.2 alert. */
export function parseCap(input: string): CapParseResult {
  const xml = input.trim();
  if (!xml.startsWith("<")) {
    return fail(
      '请求体不是 XML：应为 CAP 1.2 预警消息（<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">）',
    );
  }
  if (/<!DOCTYPE/i.test(xml)) {
    return fail("CAP 消息不得包含 DOCTYPE 声明");
  }
  const limit = exceededLimit(xml);
  if (limit !== undefined) {
    return fail(`${limit}，不予导入`, [{ path: "body", message: limit }]);
  }
  try {
    return parseBounded(xml);
  } catch (error) {
    // Within the bounds the parsers should not throw; if one still does (a name it reserves, say),
    // the message is refused, not answered with a 500.
    const reason = error instanceof Error ? error.message : String(error);
    return fail(`XML 无法解析：${reason}`);
  }
}

/** parseCap on XML already known to be within CAP_LIMITS. */
function parseBounded(xml: string): CapParseResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return fail(`XML 格式错误（第 ${valid.err.line} 行第 ${valid.err.col} 列）：${valid.err.msg}`);
  }
  const root = rootNamespace(xml);
  if (root === undefined) {
    return fail("XML 没有根元素");
  }
  if (root.name !== "alert") {
    return fail(`根元素是 <${root.name}>，不是 CAP 的 <alert>`);
  }
  if (root.ns === CAP_11_NS || root.ns === CAP_10_NS) {
    const version = root.ns === CAP_11_NS ? "1.1" : "1.0";
    return fail(
      `这是 CAP ${version} 消息（命名空间 ${root.ns}）；本平台只接收 CAP 1.2（${CAP_NS}），请上级平台按 CAP 1.2 发送`,
      [{ path: "alert.@xmlns", message: `CAP ${version} 不受支持，应为 ${CAP_NS}` }],
    );
  }
  if (root.ns !== CAP_NS) {
    return fail(`<alert> 的命名空间应为 ${CAP_NS}，实际为 ${root.ns ?? "（无）"}`, [
      { path: "alert.@xmlns", message: `应为 ${CAP_NS}` },
    ]);
  }
  const parsed = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => ARRAYS.has(name),
  }).parse(xml) as Node;
  const a = (parsed.alert ?? {}) as Node;
  const errors: FieldError[] = [];
  const identifier = required(a, "identifier", "alert", errors);
  const sender = required(a, "sender", "alert", errors);
  const sent = required(a, "sent", "alert", errors);
  if (identifier && !NO_SPACE.test(identifier)) {
    errors.push({ path: "alert.identifier", message: "不得包含空格、逗号、< 或 &" });
  }
  if (sender && !NO_SPACE.test(sender)) {
    errors.push({ path: "alert.sender", message: "不得包含空格、逗号、< 或 &" });
  }
  if (sent && !DATE_TIME.test(sent)) {
    errors.push({ path: "alert.sent", message: "时间应为 YYYY-MM-DDThh:mm:ss±hh:mm（CAP 不允许 Z）" });
  }
  const status = required(a, "status", "alert", errors, STATUS);
  const msgType = required(a, "msgType", "alert", errors, MSG_TYPE);
  const scope = required(a, "scope", "alert", errors, SCOPE);
  const references: CapAlert["references"] = [];
  for (const ref of (text(a.references) ?? "").split(/\s+/).filter(Boolean)) {
    const [rs, ri, rt] = ref.split(",");
    if (!rs || !ri || !rt || !DATE_TIME.test(rt)) {
      errors.push({ path: "alert.references", message: `引用“${ref}”应为 sender,identifier,sent` });
    } else {
      references.push({ sender: rs, identifier: ri, sent: rt });
    }
  }
  const infos: CapInfo[] = ((a.info as Node[] | undefined) ?? []).map((n, i) => {
    const at = `alert.info[${i}]`;
    const categories = ((n.category as unknown[] | undefined) ?? []).map((c) => text(c) ?? "");
    if (categories.length === 0) {
      errors.push({ path: `${at}.category`, message: "CAP 1.2 必填元素缺失" });
    }
    for (const c of categories) {
      if (!CATEGORY.includes(c)) {
        errors.push({ path: `${at}.category`, message: `“${c}”不是 CAP 1.2 允许的类别` });
      }
    }
    const areas = ((n.area as Node[] | undefined) ?? []).map((ar, j) => {
      const ap = `${at}.area[${j}]`;
      const areaDesc = required(ar, "areaDesc", ap, errors);
      const polygons = ((ar.polygon as unknown[] | undefined) ?? [])
        .map((p, k) => parsePolygon(text(p) ?? "", `${ap}.polygon[${k}]`, errors))
        .filter((p): p is number[][] => p !== undefined);
      const circles = ((ar.circle as unknown[] | undefined) ?? [])
        .map((c, k) => parseCircle(text(c) ?? "", `${ap}.circle[${k}]`, errors))
        .filter((c): c is CapArea["circles"][number] => c !== undefined);
      const geocodes = ((ar.geocode as Node[] | undefined) ?? []).map((g) => ({
        valueName: text(g.valueName) ?? "",
        value: text(g.value) ?? "",
      }));
      return { areaDesc, polygons, circles, geocodes };
    });
    const info: CapInfo = {
      language: text(n.language) ?? "en-US",
      categories,
      event: required(n, "event", at, errors),
      urgency: required(n, "urgency", at, errors, URGENCY),
      severity: required(n, "severity", at, errors, SEVERITY),
      certainty: required(n, "certainty", at, errors, CERTAINTY),
      areas,
    };
    for (const key of ["senderName", "headline", "description", "instruction", "contact", "web"] as const) {
      const v = text(n[key]);
      if (v !== undefined) {
        info[key] = v;
      }
    }
    for (const key of ["effective", "onset", "expires"] as const) {
      const v = optionalTime(n, key, at, errors);
      if (v !== undefined) {
        info[key] = v;
      }
    }
    return info;
  });
  if (errors.length > 0) {
    return fail(`不是有效的 CAP 1.2 消息：${errors.map((e) => `${e.path} ${e.message}`).join("；")}`, errors);
  }
  const note = text(a.note);
  return {
    ok: true,
    alert: { identifier, sender, sent, status, msgType, scope, references, infos, ...(note ? { note } : {}) },
  };
}

/** The info block to relay: Chinese first, then the first one. */
export function primaryInfo(alert: CapAlert): CapInfo | undefined {
  return alert.infos.find((i) => i.language.toLowerCase().startsWith("zh")) ?? alert.infos[0];
}
