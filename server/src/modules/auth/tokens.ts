import { createHash, randomBytes } from "node:crypto";

/** Random secrets are shown once; only their SHA-256 is stored, so a leaked table grants nothing. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export const SESSION_COOKIE = "fh_session";
export const API_TOKEN_PREFIX = "fh_";
