import { App as AntApp, ConfigProvider, type ConfigProviderProps } from "antd";
import antdEnUS from "antd/es/locale/en_US.js";
import antdZhCN from "antd/es/locale/zh_CN.js";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn.js";
import { StrictMode, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { I18nextProvider, useTranslation } from "react-i18next";
import { RouterProvider } from "react-router";
import { SessionProvider } from "./auth/session.js";
import { currentLocale, i18n } from "./i18n/index.js";
import { router } from "./router.js";
import { theme } from "./theme.js";
import "./styles.css";

type AntdLocale = NonNullable<ConfigProviderProps["locale"]>;

/** antd's es/ files are ESM at runtime (default = the locale) but typed as CommonJS under NodeNext. */
const interop = (m: AntdLocale | { default: AntdLocale }): AntdLocale => ("default" in m ? m.default : m);
const ANTD_LOCALES = { "zh-CN": interop(antdZhCN), "en-US": interop(antdEnUS) };

/** Re-renders the whole app, antd's own texts included, whenever the language changes. */
function Root() {
  // Subscribes Root to language changes; children re-render through their own useTranslation.
  useTranslation();
  const locale = currentLocale();
  useEffect(() => {
    document.documentElement.lang = locale;
    dayjs.locale(locale === "en-US" ? "en" : "zh-cn");
  }, [locale]);
  return (
    <ConfigProvider locale={ANTD_LOCALES[locale]} theme={theme}>
      <AntApp>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <Root />
      </I18nextProvider>
    </StrictMode>,
  );
}
