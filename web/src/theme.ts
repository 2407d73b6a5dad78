import type { ThemeConfig } from "antd";

/** Noto Sans CJK first: Debian/Kylin duty PCs have it; Mac and Windows fall back to their CJK fonts. */
export const FONT_FAMILY =
  '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", -apple-system, "Segoe UI", Roboto, sans-serif';

/** Calm, high-contrast defaults: blue for actions, red kept for danger and alarms only. */
export const theme: ThemeConfig = {
  token: {
    fontFamily: FONT_FAMILY,
    fontSize: 14,
    colorPrimary: "#1d4ed8",
    colorLink: "#1d4ed8",
    borderRadius: 6,
    colorBgLayout: "#f3f4f6",
  },
  components: {
    Layout: { headerBg: "#ffffff", siderBg: "#0f1e35", headerHeight: 56, headerPadding: "0 20px" },
    Menu: { darkItemBg: "#0f1e35", darkSubMenuItemBg: "#0b1729", darkItemSelectedBg: "#1d4ed8" },
    Table: { headerBg: "#f5f7fa" },
  },
};
