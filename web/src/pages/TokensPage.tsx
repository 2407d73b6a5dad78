import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../api/client.js";
import type { ApiToken, CreatedApiToken } from "../api/types.js";
import { useCurrentUser } from "../auth/session.js";
import { ErrorResult } from "../components/ErrorResult.js";
import { PageHeader } from "../components/PageHeader.js";
import { TokenCreateModal } from "../components/tokens/TokenCreateModal.js";
import { TokenSecretModal } from "../components/tokens/TokenSecretModal.js";
import { formatDateTime } from "../lib/format.js";

/** 系统管理 → API 令牌: the signed-in user's tokens (an administrator sees everyone's). */
export function TokensPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message, modal } = App.useApp();
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | undefined>(undefined);

  const load = useCallback(() => {
    setLoading(true);
    setError(undefined);
    api
      .get<{ items: ApiToken[] }>("/api/tokens")
      .then((r) => setTokens(r.items))
      .catch(setError)
      .finally(() => setLoading(false));
  }, []);

  useEffect(load, [load]);

  const revoke = (token: ApiToken) => {
    modal.confirm({
      title: t("tokens.revokeConfirm", { name: token.name }),
      content: t("tokens.revokeConfirmBody"),
      okText: t("tokens.revoke"),
      okButtonProps: { danger: true },
      cancelText: t("common.cancel"),
      onOk: async () => {
        try {
          await api.delete(`/api/tokens/${encodeURIComponent(token.id)}`);
          message.success(t("tokens.revokedDone", { name: token.name }));
          load();
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });
  };

  return (
    <>
      <PageHeader
        title={t("tokens.title")}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t("tokens.create")}
          </Button>
        }
      />
      <Card>
        <Typography.Paragraph type="secondary">{t("tokens.intro")}</Typography.Paragraph>
        {error ? (
          <ErrorResult error={error} onRetry={load} />
        ) : (
          <Table<ApiToken>
            rowKey="id"
            loading={loading}
            dataSource={tokens}
            pagination={tokens.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 900 }}
            columns={[
              { key: "name", title: t("tokens.name"), dataIndex: "name", ellipsis: true },
              {
                key: "owner",
                title: t("tokens.owner"),
                width: 160,
                render: (_, tk) =>
                  tk.userId === me.id ? me.displayName : <span className="fh-mono">{tk.userId}</span>,
              },
              {
                key: "scopes",
                title: t("tokens.scopes"),
                width: 140,
                render: (_, tk) =>
                  tk.scopes.map((s) => (
                    <Tag key={s} color={s === "write" ? "orange" : "blue"}>
                      {s === "write" ? t("tokens.scopeWrite") : s === "read" ? t("tokens.scopeRead") : s}
                    </Tag>
                  )),
              },
              {
                key: "created",
                title: t("tokens.createdAt"),
                width: 170,
                render: (_, tk) => formatDateTime(tk.createdAt),
              },
              {
                key: "used",
                title: t("tokens.lastUsedAt"),
                width: 170,
                render: (_, tk) => (tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : t("tokens.never")),
              },
              {
                key: "expires",
                title: t("tokens.expiresAt"),
                width: 170,
                render: (_, tk) => (tk.expiresAt ? formatDateTime(tk.expiresAt) : "—"),
              },
              {
                key: "status",
                title: t("tokens.status"),
                width: 200,
                render: (_, tk) =>
                  tk.revokedAt ? (
                    <Tag>{t("tokens.revoked", { time: formatDateTime(tk.revokedAt) })}</Tag>
                  ) : !tk.expiresAt || new Date(tk.expiresAt).getTime() <= Date.now() ? (
                    <Tag color="orange">{t("tokens.expired")}</Tag>
                  ) : (
                    <Tag color="green">{t("tokens.active")}</Tag>
                  ),
              },
              {
                key: "actions",
                title: t("common.actions"),
                width: 100,
                render: (_, tk) =>
                  tk.revokedAt ? null : (
                    <Button type="link" size="small" danger onClick={() => revoke(tk)}>
                      {t("tokens.revoke")}
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </Card>
      <TokenCreateModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(token) => {
          setCreating(false);
          setCreated(token);
          load();
        }}
      />
      <TokenSecretModal token={created} onClose={() => setCreated(undefined)} />
    </>
  );
}
