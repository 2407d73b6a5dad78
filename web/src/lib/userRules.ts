import { MIN_PASSWORD_LENGTH, PHONE_PATTERN, USERNAME_PATTERN } from "../../../shared/validation.js";

/** The server's own account rules (shared/validation.ts), as RegExps for the forms. */
export const USERNAME_REGEX = new RegExp(USERNAME_PATTERN);
export const PHONE_REGEX = new RegExp(PHONE_PATTERN);
export { MIN_PASSWORD_LENGTH };
