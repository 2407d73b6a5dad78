import { Layout, Menu, type MenuProps } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, useLocation, useNavigate } from "react-router";
import { useSession } from "../auth/session.js";
import { AppHeader } from "./AppHeader.js";
import { MENU } from "./modules.js";

/** The menu key for a path: the deepest menu entry whose path prefixes it. */
function selectedKeyFor(pathname: string): string | undefined {
  const all = MENU.flatMap((m) => [m, ...(m.children ?? [])]);
  const matches = all.filter((m) => pathname === m.path || pathname.startsWith(`${m.path}/`));
  return matches.sort((a, b) => b.path.length - a.path.length)[0]?.key;
}

/** Header across the top, module menu on the left, the page on the right. */
export function AppLayout() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [openKeys, setOpenKeys] = useState<string[]>(pathname.startsWith("/admin") ? ["admin"] : []);
  const selected = selectedKeyFor(pathname);
  const { state } = useSession();
  const permissions = state.status === "authenticated" ? state.permissions : [];
  const allowed = (p: string | undefined) => p === undefined || permissions.includes(p);

  const visible = MENU.filter((entry) => allowed(entry.permission)).map((entry) =>
    entry.children ? { ...entry, children: entry.children.filter((c) => allowed(c.permission)) } : entry,
  );
  const items: MenuProps["items"] = visible.map((entry) =>
    entry.children
      ? {
          key: entry.key,
          icon: entry.icon,
          label: t(`modules.${entry.key}`),
          children: entry.children.map((child) => ({
            key: child.key,
            label: t(`modules.${child.key}`),
            onClick: () => navigate(child.path),
          })),
        }
      : {
          key: entry.key,
          icon: entry.icon,
          label: t(`modules.${entry.key}`),
          onClick: () => navigate(entry.path),
        },
  );

  return (
    <Layout className="fh-shell">
      <Layout.Header className="fh-header">
        <AppHeader />
      </Layout.Header>
      <Layout hasSider>
        <Layout.Sider
          width={200}
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          breakpoint="lg"
          className="fh-sider"
        >
          <nav aria-label={t("header.menu")}>
            <Menu
              theme="dark"
              mode="inline"
              selectedKeys={selected ? [selected] : []}
              openKeys={collapsed ? undefined : openKeys}
              onOpenChange={setOpenKeys}
              items={items}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content className="fh-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
