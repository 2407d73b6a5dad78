import { Breadcrumb, Card, Descriptions, Empty, Flex, Spin, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client.js";
import type { OrgMember, OrgUnit, OrgUnitDetail } from "../../api/types.js";
import { orgAttrLabel, unitTypeLabel } from "../../lib/labels.js";
import { ErrorResult } from "../ErrorResult.js";
import { RoleTags } from "../RoleTags.js";

function attrValue(value: unknown): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (Array.isArray(value)) {
    return value.map(attrValue).join("、");
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

interface UnitDetailProps {
  unitId: string;
  onOpen(id: string): void;
  /** Reports the loaded unit's ancestors so the tree can expand to it. */
  onLoaded(detail: OrgUnitDetail): void;
}

/** One unit: where it sits (breadcrumb), what it is, its sub-units and the people with accounts in it. */
export function UnitDetail({ unitId, onOpen, onLoaded }: UnitDetailProps) {
  const { t } = useTranslation();
  const [detail, setDetail] = useState<OrgUnitDetail | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the retry trigger
  useEffect(() => {
    const controller = new AbortController();
    setError(undefined);
    api
      .get<OrgUnitDetail>(`/api/org/units/${encodeURIComponent(unitId)}`, undefined, controller.signal)
      .then((d) => {
        setDetail(d);
        onLoaded(d);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) {
          setError(e);
        }
      });
    return () => controller.abort();
  }, [unitId, attempt, onLoaded]);

  if (error) {
    return <ErrorResult error={error} onRetry={() => setAttempt((a) => a + 1)} />;
  }
  if (!detail || detail.unit.id !== unitId) {
    return (
      <Flex justify="center" style={{ padding: 48 }}>
        <Spin />
      </Flex>
    );
  }

  const { unit, path, children, members } = detail;
  const attrs = Object.entries(unit.attrs).filter(([, v]) => attrValue(v) !== "");

  return (
    <Flex vertical gap={16} data-testid="unit-detail">
      <Card size="small">
        <Breadcrumb
          items={[
            ...path.map((p) => ({
              key: p.id,
              title: <Link to={`/org/${encodeURIComponent(p.id)}`}>{p.name}</Link>,
            })),
            { key: unit.id, title: unit.name },
          ]}
        />
        <Flex align="center" gap={8} wrap style={{ margin: "12px 0" }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {unit.name}
          </Typography.Title>
          <Tag color="blue">{unitTypeLabel(t, unit.type)}</Tag>
        </Flex>
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2 }}
          styles={{ label: { width: 140 } }}
          items={[
            { key: "type", label: t("org.type"), children: unitTypeLabel(t, unit.type) },
            { key: "code", label: t("org.divisionCode"), children: unit.divisionCode ?? t("common.none") },
            { key: "short", label: t("org.shortName"), children: unit.shortName ?? t("common.none") },
            { key: "children", label: t("org.childCount"), children: children.length },
            ...attrs.map(([k, v]) => ({
              key: `attr-${k}`,
              label: orgAttrLabel(k),
              span: attrValue(v).length > 30 ? ("filled" as const) : 1,
              children:
                k === "officeIn" && typeof v === "string" ? (
                  <Link to={`/org/${encodeURIComponent(v)}`}>{v}</Link>
                ) : (
                  attrValue(v)
                ),
            })),
          ]}
        />
      </Card>
      <Card size="small" title={t("org.children", { count: children.length })}>
        <Table<OrgUnit>
          size="small"
          rowKey="id"
          dataSource={children}
          pagination={children.length > 20 ? { pageSize: 20, showSizeChanger: false, size: "small" } : false}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("org.noChildren")} />,
          }}
          onRow={(row) => ({ onDoubleClick: () => onOpen(row.id) })}
          columns={[
            {
              key: "name",
              title: t("org.name"),
              render: (_, row) => <Link to={`/org/${encodeURIComponent(row.id)}`}>{row.name}</Link>,
            },
            { key: "type", title: t("org.type"), width: 160, render: (_, row) => unitTypeLabel(t, row.type) },
            { key: "code", title: t("org.divisionCode"), width: 150, dataIndex: "divisionCode" },
            { key: "count", title: t("org.childCount"), width: 110, align: "right", dataIndex: "childCount" },
          ]}
        />
      </Card>
      <Card size="small" title={t("org.members", { count: members.length })}>
        <Table<OrgMember>
          size="small"
          rowKey="id"
          dataSource={members}
          pagination={members.length > 20 ? { pageSize: 20, showSizeChanger: false, size: "small" } : false}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("org.noMembers")} />,
          }}
          columns={[
            { key: "name", title: t("org.displayName"), dataIndex: "displayName", width: 160 },
            { key: "username", title: t("org.username"), dataIndex: "username", width: 160 },
            { key: "roles", title: t("org.roles"), render: (_, row) => <RoleTags roles={row.roles} /> },
          ]}
        />
      </Card>
    </Flex>
  );
}
