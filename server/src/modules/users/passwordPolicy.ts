import type { Config } from "../../config.js";

/**
 * Passwords people pick first (the top of public leak lists, and this product's own names); compared
 * ignoring case, and also after stripping trailing digits and punctuation ("Password2026!").
 */
const COMMON = new Set([
  "12345678",
  "123456789",
  "1234567890",
  "12345678910",
  "0123456789",
  "87654321",
  "11111111",
  "00000000",
  "88888888",
  "66666666",
  "123123123",
  "147258369",
  "password",
  "passw0rd",
  "p@ssw0rd",
  "qwerty",
  "qwertyuiop",
  "qwer1234",
  "asdfghjkl",
  "1qaz2wsx",
  "1q2w3e4r",
  "1q2w3e4r5t",
  "abc123",
  "abcd1234",
  "a1234567",
  "aa123456",
  "iloveyou",
  "woaini",
  "woaini1314",
  "admin",
  "administrator",
  "root",
  "welcome",
  "letmein",
  "changeme",
  "fenghuo",
  "chaoyang",
  "luolong",
  "yingji",
  "zhiban",
]);

export type PasswordPolicy = Pick<Config["auth"], "passwordMinLength" | "passwordMinClasses">;

/** Letters, digits and everything else: how many of these kinds a password mixes. */
function classesOf(password: string): number {
  return [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(password)).length;
}

/**
 * What is wrong with a new password, in words for the user (empty = acceptable): the configured
 * length and mix of kinds, not a common password, not the username.
 */
export function passwordProblems(password: string, policy: PasswordPolicy, username?: string): string[] {
  const problems: string[] = [];
  if ([...password].length < policy.passwordMinLength) {
    problems.push(`密码至少 ${policy.passwordMinLength} 个字符`);
  }
  if (classesOf(password) < policy.passwordMinClasses) {
    problems.push(`密码须包含字母、数字、其他符号中的至少 ${policy.passwordMinClasses} 类`);
  }
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\p{P}\p{S}]+$/u, "");
  if (COMMON.has(lower) || COMMON.has(stem) || /^(.)\1+$/u.test(password)) {
    problems.push("密码过于常见，请换一个");
  }
  if (username && lower.includes(username.toLowerCase()) && username.length >= 3) {
    problems.push("密码不能包含用户名");
  }
  return problems;
}
