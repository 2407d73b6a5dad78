/**
 * Mirrors of the server's checks in server/src/modules/users/schema.ts and auth/password.ts, so the
 * form says what is wrong before submitting. TODO(lead): move these to shared/ and import them on both
 * sides (STYLE: a form's rule and the server's check come from the same constant).
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{2,64}$/;
export const PHONE_PATTERN = /^[0-9+\- ]{5,20}$/;
export const MIN_PASSWORD_LENGTH = 8;
