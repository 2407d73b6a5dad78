import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { enUS } from "./en-US.js";
import { type Messages, zhCN } from "./zh-CN.js";

export const LOCALES = ["zh-CN", "en-US"] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = "fenghuo.locale";

export const isLocale = (value: unknown): value is Locale => LOCALES.some((l) => l === value);

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: Messages };
  }
}

/** The locale chosen on this browser before sign-in; Chinese unless the user picked English. */
export function storedLocale(): Locale {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : "zh-CN";
  } catch {
    return "zh-CN";
  }
}

export function rememberLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode or storage disabled: the switch still works for this page.
  }
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { "zh-CN": { translation: zhCN }, "en-US": { translation: enUS } },
  lng: storedLocale(),
  fallbackLng: "zh-CN",
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export function currentLocale(): Locale {
  return isLocale(i18n.language) ? i18n.language : "zh-CN";
}

/** The whole message table of the active locale, for lookups by data keys (audit action codes). */
export function messages(locale: Locale = currentLocale()): Messages {
  return locale === "en-US" ? enUS : zhCN;
}

const CHOICE_KEY = "fenghuo.localeChosenBeforeLogin";

/** A language picked on the login page (kept for this tab); it is saved to the account at sign-in. */
export function rememberChoiceBeforeLogin(locale: Locale): void {
  try {
    window.sessionStorage.setItem(CHOICE_KEY, locale);
  } catch {
    // Storage disabled: the account's own preference applies at sign-in.
  }
}

export function takeChoiceBeforeLogin(): Locale | undefined {
  try {
    const value = window.sessionStorage.getItem(CHOICE_KEY);
    window.sessionStorage.removeItem(CHOICE_KEY);
    return isLocale(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
