import { App, Segmented } from "antd";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../api/client.js";
import {
  currentLocale,
  isLocale,
  type Locale,
  rememberChoiceBeforeLogin,
  rememberLocale,
} from "../i18n/index.js";

/** Each language is named in itself, so someone stuck in the wrong one can still find theirs. */
const OPTIONS: { value: Locale; label: string }[] = [
  { value: "zh-CN", label: "中文" },
  { value: "en-US", label: "English" },
];

/** Switches the UI language at once; when signed in, also saves it to the account. */
export function LanguageSwitch({ signedIn }: { signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();

  const change = async (value: string) => {
    if (!isLocale(value) || value === currentLocale()) {
      return;
    }
    rememberLocale(value);
    await i18n.changeLanguage(value);
    if (!signedIn) {
      rememberChoiceBeforeLogin(value);
      return;
    }
    try {
      await api.put("/api/me/preferences", { locale: value });
    } catch (error) {
      message.warning(t("header.languageSaveFailed", { detail: errorMessage(error) }));
    }
  };

  return (
    <Segmented<string>
      aria-label={t("header.language")}
      size="small"
      value={currentLocale()}
      options={OPTIONS}
      onChange={(value) => void change(value)}
      data-testid="language-switch"
    />
  );
}
