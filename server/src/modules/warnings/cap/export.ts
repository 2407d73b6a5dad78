/**
 * CAP 1.2 output (OASIS CAP 1.2; identifiers per GB/T 35965.1). Element order follows the XSD
 * sequences exactly; times carry +08:00 (CAP forbids `Z`); polygons are `lat,lon` pairs.
 */

import { beijingIso } from "../../../../../shared/beijingTime.js";
import type { PlanProfile } from "../../../../../shared/plan/schema.js";
import type { AreaShape, CircleShape } from "../../geo/index.js";
import type { CapSnapshot } from "../capSnapshot.js";
import { colourName } from "../rules.js";
import { capCategory, capSeverity, capUrgencyCertainty } from "./mapping.js";

export const CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2";

export interface CapEnvelope {
  identifier: string;
  sender: string;
  sent: Date;
  msgType: "Alert" | "Update" | "Cancel";
  scope: "Public" | "Restricted";
  /** `sender,identifier,sent` of earlier messages of the same warning. */
  references: { sender: string; identifier: string; sent: string }[];
  note?: string;
}

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function el(name: string, value: string | number | undefined | null, indent: string): string {
  if (value === undefined || value === null || value === "") {
    return "";
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

function polygonText(shape: AreaShape): string {
  const ring = (shape.geometry.coordinates as number[][][])[0] ?? [];
  return ring.map(([lon, lat]) => `${lat},${lon}`).join(" ");
}

function circleText(shape: CircleShape): string {
  const [lon, lat] = shape.geometry.coordinates;
  return `${lat},${lon} ${shape.properties.radiusKm}`;
}

function areaXml(s: CapSnapshot, districtName: string, indent: string): string {
  const i2 = `${indent}  `;
  let out = `${indent}<area>\n`;
  const desc = s.area.description || s.areaNames.join("、") || districtName;
  out += el("areaDesc", desc, i2);
  for (const f of s.area.features) {
    if (f.geometry.type === "Polygon") {
      out += el("polygon", polygonText(f), i2);
    }
  }
  for (const f of s.area.features) {
    if (f.geometry.type === "Point") {
      out += el("circle", circleText(f as CircleShape), i2);
    }
  }
  for (const code of s.area.divisionCodes) {
    out += `${i2}<geocode>\n${el("valueName", "GB/T 2260", `${i2}  `)}${el("value", code, `${i2}  `)}${i2}</geocode>\n`;
  }
  return `${out}${indent}</area>\n`;
}

function parameter(name: string, value: string, indent: string): string {
  return `${indent}<parameter>\n${el("valueName", name, `${indent}  `)}${el("value", value, `${indent}  `)}${indent}</parameter>\n`;
}

function infoXml(
  profile: PlanProfile,
  s: CapSnapshot,
  env: CapEnvelope,
  lang: "zh-CN" | "en-US",
  indent: string,
): string {
  const i2 = `${indent}  `;
  const cancel = env.msgType === "Cancel";
  const { urgency, certainty } = capUrgencyCertainty(profile, s.colour);
  const colour = colourName(profile, s.colour);
  const zh = lang === "zh-CN";
  const headline = zh
    ? cancel
      ? `${s.title}（已解除）`
      : s.title
    : `${s.content.en?.title ?? s.title}${cancel ? " (lifted)" : ""}`;
  const description = zh
    ? [
        s.content.precautions && `警示事项：${s.content.precautions}`,
        s.content.situation && `事态发展：${s.content.situation}`,
        s.content.governmentMeasures && `政府工作措施：${s.content.governmentMeasures}`,
        s.governedBy && `本预警按《${s.governedBy}》执行。`,
      ]
        .filter(Boolean)
        .join("\n")
    : (s.content.en?.description ?? "");
  const instruction = zh ? s.content.publicAdvice : s.content.en?.instruction;
  let out = `${indent}<info>\n`;
  out += el("language", lang, i2);
  out += el("category", capCategory(profile, s.subtypeId), i2);
  out += el(
    "event",
    zh ? `${s.subtypeName ?? "突发事件"}${colour}预警` : (s.content.en?.title ?? s.title),
    i2,
  );
  out += el("responseType", cancel ? "AllClear" : s.colour === "blue" ? "Monitor" : "Prepare", i2);
  out += el("urgency", cancel ? "Past" : urgency, i2);
  out += el("severity", cancel ? "Minor" : capSeverity(profile, s.colour), i2);
  out += el("certainty", cancel ? "Observed" : certainty, i2);
  if (s.subtypeId) {
    out += `${i2}<eventCode>\n${el("valueName", "FENGHUO_SUBTYPE", `${i2}  `)}${el("value", s.subtypeId, `${i2}  `)}${i2}</eventCode>\n`;
  }
  out += el("effective", beijingIso(env.sent), i2);
  out += el("onset", s.onsetAt ? beijingIso(s.onsetAt) : undefined, i2);
  out += el("expires", !cancel && s.expiresAt ? beijingIso(s.expiresAt) : undefined, i2);
  out += el("senderName", s.issuerName, i2);
  out += el("headline", headline, i2);
  out += el("description", description, i2);
  out += el("instruction", cancel ? (zh ? "预警已解除。" : "The warning has been lifted.") : instruction, i2);
  out += el("contact", s.content.hotline, i2);
  out += parameter("WARNING_COLOUR", s.colour, i2);
  out += parameter("WARNING_COLOUR_NAME", colour, i2);
  out += areaXml(s, profile.meta.district.name, i2);
  return `${out}${indent}</info>\n`;
}

/** The CAP 1.2 alert document of one message. */
export function buildCapXml(profile: PlanProfile, s: CapSnapshot, env: CapEnvelope): string {
  const i1 = "  ";
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${CAP_NS}">\n`;
  out += el("identifier", env.identifier, i1);
  out += el("sender", env.sender, i1);
  out += el("sent", beijingIso(env.sent), i1);
  out += el("status", "Actual", i1);
  out += el("msgType", env.msgType, i1);
  out += el("source", "烽火应急指挥平台", i1);
  out += el("scope", env.scope, i1);
  if (env.scope === "Restricted") {
    out += el("restriction", "仅限体制内部门和本行业、本系统单位（000 §3.3.1 第8项）", i1);
  }
  const note = [env.note, s.relayOf && `转发上级预警 ${s.relayOf.sender} ${s.relayOf.identifier}`]
    .filter(Boolean)
    .join("；");
  out += el("note", note, i1);
  if (env.references.length > 0) {
    out += el("references", env.references.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(" "), i1);
  }
  out += infoXml(profile, s, env, "zh-CN", i1);
  if (s.content.en?.title) {
    out += infoXml(profile, s, env, "en-US", i1);
  }
  return `${out}</alert>\n`;
}
