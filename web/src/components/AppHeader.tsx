import { KeyOutlined, LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { App, Button, Flex, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ChangePasswordModal } from "../auth/ChangePasswordModal.js";
import { useCurrentUser, useSession } from "../auth/session.js";
import { roleLabel } from "../lib/labels.js";
import { LanguageSwitch } from "./LanguageSwitch.js";

/** Roles beyond this many collapse into "+N" with the full list on hover, so the header never wraps. */
const VISIBLE_ROLES = 2;

export function ProductMark() {
  const { t } = useTranslation();
  return (
    <Flex align="center" gap={10} className="fh-product">
      <span className="fh-mark" aria-hidden="true">
        烽
      </span>
      <span className="fh-product-name">{t("app.fullTitle")}</span>
    </Flex>
  );
}

export function AppHeader() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const { logout } = useSession();
  const { modal } = App.useApp();
  const [changingPassword, setChangingPassword] = useState(false);
  const visible = user.roles.slice(0, VISIBLE_ROLES);
  const hidden = user.roles.slice(VISIBLE_ROLES);

  const confirmLogout = () => {
    modal.confirm({
      title: t("header.logoutConfirmTitle"),
      content: t("header.logoutConfirmBody"),
      okText: t("header.logoutOk"),
      cancelText: t("common.cancel"),
      onOk: () => logout(),
    });
  };

  return (
    <Flex justify="space-between" align="center" gap={16} style={{ height: "100%" }}>
      <ProductMark />
      <Flex align="center" gap={16} className="fh-header-right">
        <Flex align="center" gap={8} className="fh-user" data-testid="current-user">
          <UserOutlined aria-hidden="true" />
          <Typography.Text strong className="fh-user-name">
            {user.displayName}
          </Typography.Text>
          <Typography.Text type="secondary" className="fh-user-unit" ellipsis={{ tooltip: user.unitName }}>
            {user.unitName}
          </Typography.Text>
          <span className="fh-user-roles">
            {visible.map((role) => (
              <Tag key={role} color="blue" variant="outlined">
                {roleLabel(t, role)}
              </Tag>
            ))}
            {hidden.length > 0 ? (
              <Tooltip title={hidden.map((r) => roleLabel(t, r)).join("、")}>
                <Tag>+{hidden.length}</Tag>
              </Tooltip>
            ) : null}
          </span>
        </Flex>
        <LanguageSwitch signedIn />
        <Button icon={<KeyOutlined />} onClick={() => setChangingPassword(true)}>
          {t("header.changePassword")}
        </Button>
        <ChangePasswordModal open={changingPassword} onClose={() => setChangingPassword(false)} />
        <Button icon={<LogoutOutlined />} onClick={confirmLogout}>
          {t("header.logout")}
        </Button>
      </Flex>
    </Flex>
  );
}
