import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { App, Button, Card, Flex, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ROLES } from "../../../shared/roles.js";
import { ApiError, api, errorMessage } from "../api/client.js";
import type { Page, User } from "../api/types.js";
import { ErrorResult } from "../components/ErrorResult.js";
import { PageHeader } from "../components/PageHeader.js";
import { RoleTags } from "../components/RoleTags.js";
import { UnitSelect } from "../components/UnitSelect.js";
import { PasswordModal } from "../components/users/PasswordModal.js";
import { UserFormModal } from "../components/users/UserFormModal.js";
import { useCursorList } from "../hooks/useCursorList.js";
import { formatDateTime } from "../lib/format.js";
import { roleLabel } from "../lib/labels.js";

interface Filters {
  q: string;
  unitId: string | undefined;
  role: string | undefined;
}

function StatusTag({ user }: { user: User }) {
  const { t } = useTranslation();
  if (user.disabled) {
    return <Tag>{t("users.disabled")}</Tag>;
  }
  if (user.lockedUntil && new Date(user.lockedUntil).getTime() > Date.now()) {
    return <Tag color="orange">{t("users.locked", { time: formatDateTime(user.lockedUntil) })}</Tag>;
  }
  return <Tag color="green">{t("users.active")}</Tag>;
}

/** 系统管理 → 用户管理. Row buttons come from each user's `allowedActions` (server policy), not from roles here. */
export function UsersPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [filters, setFilters] = useState<Filters>({ q: "", unitId: undefined, role: undefined });
  const [draftQ, setDraftQ] = useState("");
  const [editing, setEditing] = useState<{ user: User | undefined } | undefined>(undefined);
  const [resetting, setResetting] = useState<User | undefined>(undefined);

  const list = useCursorList(JSON.stringify(filters), (cursor) =>
    api.get<Page<User>>("/api/users", {
      q: filters.q || undefined,
      unitId: filters.unitId,
      role: filters.role,
      limit: 50,
      cursor,
    }),
  );
  const forbidden = list.error instanceof ApiError && list.error.status === 403;

  const toggleDisabled = (user: User) => {
    const disabling = !user.disabled;
    modal.confirm({
      title: t(disabling ? "users.disableConfirm" : "users.enableConfirm", { name: user.displayName }),
      content: disabling ? t("users.disableConfirmBody") : undefined,
      okText: disabling ? t("users.disable") : t("users.enable"),
      okButtonProps: { danger: disabling },
      cancelText: t("common.cancel"),
      onOk: async () => {
        try {
          const saved = await api.patch<User>(`/api/users/${encodeURIComponent(user.id)}`, {
            disabled: disabling,
          });
          list.update((u) => u.id === saved.id, saved);
          message.success(
            t(disabling ? "users.disabledDone" : "users.enabledDone", { name: saved.displayName }),
          );
        } catch (error) {
          message.error(errorMessage(error));
        }
      },
    });
  };

  return (
    <>
      <PageHeader
        title={t("users.title")}
        extra={
          forbidden ? null : (
            <>
              <Button icon={<ReloadOutlined />} onClick={list.reload}>
                {t("common.refresh")}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ user: undefined })}>
                {t("users.create")}
              </Button>
            </>
          )
        }
      />
      {list.error ? (
        <Card>
          <ErrorResult error={list.error} onRetry={list.reload} />
        </Card>
      ) : (
        <Card>
          <Flex gap={8} wrap style={{ marginBottom: 16 }}>
            <Input.Search
              allowClear
              style={{ width: 260 }}
              placeholder={t("users.searchPlaceholder")}
              aria-label={t("users.searchPlaceholder")}
              value={draftQ}
              onChange={(e) => {
                setDraftQ(e.target.value);
                if (e.target.value === "") {
                  setFilters((f) => ({ ...f, q: "" }));
                }
              }}
              onSearch={(value) => setFilters((f) => ({ ...f, q: value.trim() }))}
            />
            <UnitSelect
              allowClear
              style={{ width: 260 }}
              placeholder={t("users.unitFilter")}
              value={filters.unitId}
              onChange={(unitId) => setFilters((f) => ({ ...f, unitId }))}
            />
            <Select<string>
              allowClear
              style={{ width: 220 }}
              placeholder={t("users.roleFilter")}
              aria-label={t("users.roleFilter")}
              value={filters.role}
              onChange={(role) => setFilters((f) => ({ ...f, role }))}
              options={ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }))}
            />
          </Flex>
          <Table<User>
            rowKey="id"
            size="middle"
            loading={list.loading}
            dataSource={list.items}
            pagination={false}
            scroll={{ x: 1020 }}
            columns={[
              {
                key: "name",
                title: t("users.displayName"),
                width: 160,
                fixed: "left",
                render: (_, u) => (
                  <Flex vertical>
                    <Typography.Text strong>{u.displayName}</Typography.Text>
                    <Typography.Text type="secondary" className="fh-mono">
                      {u.username}
                    </Typography.Text>
                  </Flex>
                ),
              },
              { key: "unit", title: t("users.unit"), dataIndex: "unitName", width: 190, ellipsis: true },
              {
                key: "roles",
                title: t("users.roles"),
                width: 220,
                render: (_, u) => <RoleTags roles={u.roles} />,
              },
              { key: "phone", title: t("users.phone"), width: 130, render: (_, u) => u.phone ?? "—" },
              {
                key: "status",
                title: t("users.status"),
                width: 120,
                render: (_, u) => <StatusTag user={u} />,
              },
              {
                key: "actions",
                title: t("common.actions"),
                width: 200,
                fixed: "right",
                render: (_, u) => (
                  <Space size={0} wrap>
                    {u.allowedActions.includes("update") ? (
                      <Button type="link" size="small" onClick={() => setEditing({ user: u })}>
                        {t("users.edit")}
                      </Button>
                    ) : null}
                    {u.allowedActions.includes("resetPassword") ? (
                      <Button type="link" size="small" onClick={() => setResetting(u)}>
                        {t("users.resetPassword")}
                      </Button>
                    ) : null}
                    {u.allowedActions.includes("disable") ? (
                      <Button type="link" size="small" danger={!u.disabled} onClick={() => toggleDisabled(u)}>
                        {u.disabled ? t("users.enable") : t("users.disable")}
                      </Button>
                    ) : null}
                  </Space>
                ),
              },
            ]}
          />
          <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
            <Typography.Text type="secondary">
              {t("common.shownCount", { count: list.items.length })}
            </Typography.Text>
            {list.hasMore ? (
              <Button onClick={list.loadMore} loading={list.loading}>
                {t("common.loadMore")}
              </Button>
            ) : list.items.length > 0 ? (
              <Typography.Text type="secondary">{t("common.noMore")}</Typography.Text>
            ) : null}
          </Flex>
        </Card>
      )}
      <UserFormModal
        open={editing !== undefined}
        user={editing?.user}
        onClose={() => setEditing(undefined)}
        onSaved={(saved) => {
          const created = editing?.user === undefined;
          setEditing(undefined);
          if (created) {
            // Show exactly the new account, wherever it would fall in the sorted list.
            setDraftQ(saved.username);
            setFilters({ q: saved.username, unitId: undefined, role: undefined });
            message.success(t("users.created", { name: saved.displayName }));
          } else {
            list.update((u) => u.id === saved.id, saved);
            message.success(t("users.updated", { name: saved.displayName }));
          }
        }}
      />
      <PasswordModal
        user={resetting}
        onClose={() => setResetting(undefined)}
        onDone={() => {
          setResetting(undefined);
          message.success(t("users.resetPasswordDone"));
        }}
      />
    </>
  );
}
