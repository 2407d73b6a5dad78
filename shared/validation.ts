/**
 * Input rules shared by the server's schemas and the web forms, so a form says exactly what the
 * server will refuse (STYLE: one constant for both sides).
 */
export const USERNAME_PATTERN = "^[A-Za-z0-9_.-]{2,64}$";
export const PHONE_PATTERN = "^[0-9+\\- ]{5,20}$";
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;
