import { Tabs } from "antd";
import { useTranslation } from "react-i18next";
import { Outlet, useLocation, useNavigate } from "react-router";
import { PageHeader } from "../../components/PageHeader.js";
import "./resources.css";

export const RESOURCE_TABS = [
  "map",
  "teams",
  "experts",
  "warehouses",
  "supplies",
  "stock",
  "agreements",
  "shelters",
  "equipment",
  "dispatches",
] as const;
export type ResourceTab = (typeof RESOURCE_TABS)[number];

/** 应急资源: one header, a tab per registry (keyboard: arrow keys move between tabs), the page below. */
export function ResourcesLayout() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const active = RESOURCE_TABS.find((tab) => pathname.startsWith(`/resources/${tab}`)) ?? "map";
  return (
    <div className="fh-res">
      <PageHeader title={`${t("resources.title")} · ${t(`resources.tabs.${active}`)}`} />
      <Tabs
        className="fh-res-tabs"
        activeKey={active}
        onChange={(key) => navigate(`/resources/${key}`)}
        items={RESOURCE_TABS.map((tab) => ({ key: tab, label: t(`resources.tabs.${tab}`) }))}
      />
      <Outlet />
    </div>
  );
}
