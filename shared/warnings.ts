/**
 * Warnings (预警) vocabulary shared by the server and the web app: states, channels, content limits
 * and SMS segmentation. A form's rule and the server's check come from the same constant here.
 */
import type { WarningColour } from "./plan/schema.js";

/**
 * Lifecycle of a warning (issue 5 §1). `proposed` exists only where the profile has a propose rule;
 * `submitted` (报请) only where the approval passes through someone (`approve.via`, 000 §3.3.1 第2项:
 * the emergency office 报请 the committee's leaders).
 */
export const WARNING_STATUSES = [
  "draft",
  "proposed",
  "submitted",
  "approved",
  "published",
  "lifted",
  "expired",
] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];

/** Where a pending change stands: asked for, submitted (报请, where its rule has `via`), approved. */
export const PENDING_STATES = ["proposed", "submitted", "approved"] as const;
export type PendingState = (typeof PENDING_STATES)[number];

/** A change to a published warning that waits for its approval (adjust / lift with `approvedBy`). */
export const PENDING_KINDS = ["adjust", "lift"] as const;
export type PendingKind = (typeof PENDING_KINDS)[number];

/** Actions a user can take on a warning; the policy answers each from the plan profile. */
export const WARNING_USER_ACTIONS = [
  "edit",
  "propose",
  "submit",
  "approve",
  "reject",
  "publish",
  "release",
  "authorise",
  "adjust",
  "lift",
] as const;
export type WarningUserAction = (typeof WARNING_USER_ACTIONS)[number];

/** Dissemination channels (issue 5 §4). `public` = portal + CAP feed + public subscribers. */
export const WARNING_CHANNELS = ["inApp", "sms", "email", "webhook", "public"] as const;
export type WarningChannel = (typeof WARNING_CHANNELS)[number];

export const COLOUR_HEX: Record<WarningColour, string> = {
  blue: "#1f6fd1",
  yellow: "#e6b800",
  orange: "#f07c00",
  red: "#d4242b",
};

/** Per-polygon vertex limit (CAP consumers and cell-broadcast gateways cap polygons; issue 5 §2). */
export const MAX_POLYGON_VERTICES = 100;
/** Circles larger than this are refused: a district warning never needs one. */
export const MAX_CIRCLE_RADIUS_KM = 50;
export const MAX_AREA_SHAPES = 20;

/** Text limits for the content fields of 000 §3.3.1(4). */
export const CONTENT_LIMITS = {
  title: 80,
  text: 2000,
  hotline: 40,
  smsText: 500,
} as const;

/** The eleven required content fields of 000 §3.3.1(4), as the API names them. */
export const CONTENT_FIELD_IDS = [
  "issuer",
  "issued_at",
  "expected_duration",
  "category",
  "area",
  "level",
  "precautions",
  "situation",
  "government_measures",
  "public_advice",
  "hotline",
] as const;

/**
 * SMS segmentation: a GSM-7 text fits 160 characters (153 per part when concatenated); any other
 * text (Chinese) is UCS-2: 70 characters in one message, 67 per part once it is split, because the
 * concatenation header takes 3 characters' room. This is how Chinese carriers count and bill.
 */
export const SMS_SINGLE_UCS2 = 70;
export const SMS_PART_UCS2 = 67;
export const SMS_SINGLE_GSM = 160;
export const SMS_PART_GSM = 153;

const GSM7 =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

export function isGsm7(text: string): boolean {
  for (const ch of text) {
    if (!GSM7.includes(ch)) {
      return false;
    }
  }
  return true;
}

/** Splits an SMS into the parts a gateway sends; UTF-16 units, never splitting a surrogate pair. */
export function smsSegments(text: string): string[] {
  const gsm = isGsm7(text);
  const single = gsm ? SMS_SINGLE_GSM : SMS_SINGLE_UCS2;
  const part = gsm ? SMS_PART_GSM : SMS_PART_UCS2;
  if (text.length <= single) {
    return text.length === 0 ? [] : [text];
  }
  const out: string[] = [];
  let current = "";
  for (const ch of text) {
    if (current.length + ch.length > part) {
      out.push(current);
      current = "";
    }
    current += ch;
  }
  if (current) {
    out.push(current);
  }
  return out;
}

/** The default SMS text of a warning (server dispatch and the drafting preview use the same words). */
export function composeSms(
  district: string,
  title: string,
  adjusted: boolean,
  advice: string,
  hotline?: string,
): string {
  const body = advice.trim();
  const end = body === "" || /[。！？；.!?;]$/.test(body) ? "" : "。";
  return `【${district}预警】${title}${adjusted ? "已调整" : ""}：${body}${end}${hotline ? `咨询电话：${hotline}` : ""}`;
}
