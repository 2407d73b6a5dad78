import { DownloadOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from "@ant-design/icons";
import { App, Button, Card, Flex, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../../api/client.js";
import type { Page } from "../../api/types.js";
import { ErrorResult } from "../../components/ErrorResult.js";
import { UnitSelect } from "../../components/UnitSelect.js";
import { useCursorList } from "../../hooks/useCursorList.js";
import {
  download,
  type RegistryDescription,
  type RegistryName,
  type ResourceRecord,
  useRegistries,
} from "./api.js";
import { DispatchModal, type DispatchTarget } from "./DispatchModal.js";
import { renderValue } from "./fields.js";
import { ImportModal } from "./ImportModal.js";
import { RecordDrawer } from "./RecordDrawer.js";
import { RecordFormModal } from "./RecordFormModal.js";

/** Widths of columns whose content must not wrap into a second line. */
const WIDTHS: Record<string, number> = {
  occupancy: 170,
  kind: 180,
  type: 110,
  class: 80,
  status: 90,
  availability: 90,
  condition: 90,
  level: 110,
  phone: 140,
  ownerUnitId: 150,
  headcount: 80,
  capacity: 110,
  quantity: 80,
  deployed: 90,
  specialties: 200,
  supplier: 200,
  items: 220,
  organisation: 180,
  address: 200,
  fields: 200,
  responseHours: 110,
  validTo: 110,
  unit: 90,
  shelfLifeDays: 110,
};

const DEFAULT_WIDTH = 140;
const NAME_WIDTH = 240;
const actionsWidth = (name: RegistryName) => (name === "shelters" ? 300 : 220);

/** The columns a duty officer scans first, per registry (everything else is in the detail drawer). */
const COLUMNS: Record<RegistryName, string[]> = {
  teams: ["status", "kind", "specialties", "headcount", "phone", "ownerUnitId"],
  experts: ["availability", "fields", "organisation", "title", "phone", "ownerUnitId"],
  warehouses: ["level", "address", "areaM2", "manager", "phone", "ownerUnitId"],
  supplies: ["category", "unit", "spec", "shelfLifeDays"],
  agreements: ["kind", "supplier", "items", "responseHours", "validTo", "ownerUnitId"],
  shelters: ["status", "type", "class", "occupancy", "capacity", "ownerUnitId"],
  equipment: ["condition", "type", "quantity", "deployed", "ownerUnitId"],
};

interface Filters {
  q: string;
  ownerUnitId: string | undefined;
  tag: string;
  enums: Record<string, string | undefined>;
}

export function RegistryPage({ name }: { name: RegistryName }) {
  const { data, error } = useRegistries();
  const registry = data?.registries.find((r) => r.name === name);
  if (error) {
    return (
      <Card>
        <ErrorResult error={error} />
      </Card>
    );
  }
  if (!registry) {
    return <Card loading />;
  }
  return <RegistryList registry={registry} />;
}

function RegistryList({ registry }: { registry: RegistryDescription }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [filters, setFilters] = useState<Filters>({ q: "", ownerUnitId: undefined, tag: "", enums: {} });
  const [draftQ, setDraftQ] = useState("");
  const [editing, setEditing] = useState<{ record: ResourceRecord | undefined } | undefined>(undefined);
  const [viewing, setViewing] = useState<ResourceRecord | undefined>(undefined);
  const [importing, setImporting] = useState(false);
  const [dispatching, setDispatching] = useState<DispatchTarget | undefined>(undefined);

  const query = useMemo(
    () => ({
      q: filters.q || undefined,
      ownerUnitId: filters.ownerUnitId,
      tag: filters.tag || undefined,
      ...filters.enums,
    }),
    [filters],
  );
  const list = useCursorList(JSON.stringify(query), (cursor) =>
    api.get<Page<ResourceRecord>>(`/api/${registry.name}`, { ...query, limit: 50, cursor }),
  );

  const fieldOf = (key: string) => registry.fields.find((f) => f.key === key);
  const enumFilters = registry.fields.filter((f) => f.filter && f.options);
  const replace = (saved: ResourceRecord) => {
    list.update((r) => r.id === saved.id, saved);
    if (viewing?.id === saved.id) {
      setViewing(saved);
    }
  };

  const remove = (record: ResourceRecord) =>
    modal.confirm({
      title: t("resources.list.deleteConfirm", { name: record.name }),
      content: t("resources.list.deleteConfirmBody"),
      okText: t("resources.list.delete"),
      okButtonProps: { danger: true },
      cancelText: t("common.cancel"),
      onOk: async () => {
        try {
          await api.delete(`/api/${registry.name}/${encodeURIComponent(record.id)}`);
          message.success(t("resources.list.deleted", { name: record.name }));
          list.reload();
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });

  const shelterControls = (record: ResourceRecord) =>
    registry.name === "shelters" ? <ShelterControls record={record} onChanged={replace} /> : null;

  const dispatchable = registry.name === "teams" || registry.name === "equipment";
  const tableWidth =
    NAME_WIDTH +
    COLUMNS[registry.name].reduce((sum, key) => sum + (WIDTHS[key] ?? DEFAULT_WIDTH), 0) +
    actionsWidth(registry.name);

  return (
    <Card>
      <Flex gap={8} wrap style={{ marginBottom: 16 }} justify="space-between">
        <Flex gap={8} wrap>
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t("resources.list.search")}
            aria-label={t("resources.list.search")}
            value={draftQ}
            onChange={(e) => {
              setDraftQ(e.target.value);
              if (e.target.value === "") {
                setFilters((f) => ({ ...f, q: "" }));
              }
            }}
            onSearch={(v) => setFilters((f) => ({ ...f, q: v.trim() }))}
          />
          {enumFilters.map((f) => (
            <Select
              key={f.key}
              allowClear
              style={{ width: 150 }}
              placeholder={f.label}
              aria-label={f.label}
              value={filters.enums[f.key]}
              options={f.options ?? []}
              onChange={(v: string | undefined) =>
                setFilters((x) => ({ ...x, enums: { ...x.enums, [f.key]: v } }))
              }
            />
          ))}
          {registry.owned ? (
            <UnitSelect
              allowClear
              style={{ width: 200 }}
              placeholder={t("resources.list.owner")}
              value={filters.ownerUnitId}
              onChange={(ownerUnitId) => setFilters((f) => ({ ...f, ownerUnitId }))}
            />
          ) : null}
          {registry.tagField ? (
            <Input.Search
              allowClear
              style={{ width: 170 }}
              placeholder={t("resources.list.tag")}
              aria-label={t("resources.list.tag")}
              onSearch={(v) => setFilters((f) => ({ ...f, tag: v.trim() }))}
            />
          ) : null}
        </Flex>
        <Flex gap={8} wrap>
          <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label={t("common.refresh")} />
          <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
            {t("resources.list.importBtn")}
          </Button>
          <Button
            icon={<DownloadOutlined />}
            onClick={() =>
              download(`/api/${registry.name}/export.xlsx`, query as Record<string, string | undefined>)
            }
          >
            {t("resources.list.exportXlsx")}
          </Button>
          <Button
            onClick={() =>
              download(`/api/${registry.name}/export.csv`, query as Record<string, string | undefined>)
            }
          >
            {t("resources.list.exportCsv")}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ record: undefined })}>
            {t("resources.list.create")}
          </Button>
        </Flex>
      </Flex>
      {list.error ? (
        <ErrorResult error={list.error} onRetry={list.reload} />
      ) : (
        <Table<ResourceRecord>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: tableWidth }}
          // Fixed layout: column widths do not depend on content, so no measure/resize feedback loop.
          tableLayout="fixed"
          locale={{ emptyText: t("resources.list.empty") }}
          onRow={(record) => ({ onDoubleClick: () => setViewing(record) })}
          columns={[
            {
              key: "name",
              title: fieldOf("name")?.label,
              fixed: "left",
              width: NAME_WIDTH,
              render: (_, r) => (
                <Flex vertical>
                  <Button type="link" className="fh-res-namelink" onClick={() => setViewing(r)}>
                    {r.name}
                  </Button>
                  <Typography.Text type="secondary" className="fh-mono">
                    {r.code}
                  </Typography.Text>
                </Flex>
              ),
            },
            ...COLUMNS[registry.name].flatMap((key) => {
              const f = fieldOf(key);
              return f
                ? [
                    {
                      key,
                      title: f.label,
                      width: WIDTHS[key] ?? DEFAULT_WIDTH,
                      ellipsis: f.type === "text" || key === "ownerUnitId",
                      render: (_: unknown, r: ResourceRecord) =>
                        key === "occupancy" ? <Occupancy record={r} /> : renderValue(f, r[key], r),
                    },
                  ]
                : [];
            }),
            {
              key: "actions",
              title: t("common.actions"),
              fixed: "right",
              width: actionsWidth(registry.name),
              render: (_, r) => (
                <Space size={0} wrap>
                  <Button type="link" size="small" onClick={() => setViewing(r)}>
                    {t("resources.list.detail")}
                  </Button>
                  {r.allowedActions.includes("update") ? (
                    <Button type="link" size="small" onClick={() => setEditing({ record: r })}>
                      {t("resources.list.edit")}
                    </Button>
                  ) : null}
                  {dispatchable ? (
                    <Button
                      type="link"
                      size="small"
                      disabled={registry.name === "teams" && r.status !== "available"}
                      onClick={() =>
                        setDispatching({
                          resourceType: registry.name === "teams" ? "team" : "equipment",
                          resourceId: r.id,
                          name: r.name,
                          owningUnitId: String(r.ownerUnitId),
                          ...(registry.name === "equipment"
                            ? { available: Number(r.quantity) - Number(r.deployed) }
                            : {}),
                        })
                      }
                    >
                      {t("resources.map.dispatch")}
                    </Button>
                  ) : null}
                  {shelterControls(r)}
                  {r.allowedActions.includes("delete") ? (
                    <Button type="link" size="small" danger onClick={() => remove(r)}>
                      {t("resources.list.delete")}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      )}
      <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
        <Typography.Text type="secondary">
          {t("common.shownCount", { count: list.items.length })}
        </Typography.Text>
        {list.hasMore ? (
          <Button onClick={list.loadMore} loading={list.loading}>
            {t("common.loadMore")}
          </Button>
        ) : null}
      </Flex>
      <RecordFormModal
        registry={registry}
        editing={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(saved, created) => {
          setEditing(undefined);
          if (created) {
            message.success(t("resources.list.created", { name: saved.name }));
            list.reload();
          } else {
            message.success(t("resources.list.updated", { name: saved.name }));
            replace(saved);
          }
        }}
      />
      <RecordDrawer
        registry={registry}
        record={viewing}
        onClose={() => setViewing(undefined)}
        extra={viewing ? shelterControls(viewing) : null}
      />
      <ImportModal
        open={importing}
        sheet={registry.name}
        label={registry.label}
        onClose={() => setImporting(false)}
        onImported={() => list.reload()}
      />
      <DispatchModal
        target={dispatching}
        onClose={() => setDispatching(undefined)}
        onDone={(d) => {
          setDispatching(undefined);
          message.success(
            t("resources.dispatch.submitted", {
              state: t(`resources.dispatchStates.${d.state as "requested"}`),
            }),
          );
          list.reload();
        }}
      />
    </Card>
  );
}

function Occupancy({ record }: { record: ResourceRecord }) {
  const { t } = useTranslation();
  const occupancy = Number(record.occupancy ?? 0);
  const capacity = Number(record.capacity ?? 0);
  const over = capacity > 0 && occupancy > capacity;
  return (
    <Typography.Text type={over ? "danger" : undefined}>
      {t("resources.shelter.fill", {
        occupancy: occupancy.toLocaleString("zh-CN"),
        capacity: capacity.toLocaleString("zh-CN"),
      })}
      {over ? (
        <Tag color="red" style={{ marginLeft: 6 }}>
          {t("resources.shelter.overCapacity")}
        </Tag>
      ) : null}
    </Typography.Text>
  );
}

/** 启用 / 关闭 / 安置人数 for a shelter; who may open it comes from the plan (000 §6.9), asked of the server. */
function ShelterControls({
  record,
  onChanged,
}: {
  record: ResourceRecord;
  onChanged(r: ResourceRecord): void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const open = record.status === "open";

  const activate = async () => {
    let who = "";
    try {
      const a = await api.get<{ by: string[]; allowed: boolean }>(
        `/api/shelters/${encodeURIComponent(record.id)}/activation`,
      );
      who = a.by.join("、");
    } catch {
      // the server will say who may, if this user may not
    }
    let incidentId = "";
    modal.confirm({
      title: t("resources.shelter.openConfirm", { name: record.name }),
      content: (
        <Flex vertical gap={8}>
          <Typography.Text>{t("resources.shelter.openConfirmBody", { who })}</Typography.Text>
          <Input
            placeholder={t("resources.shelter.incident")}
            onChange={(e) => (incidentId = e.target.value.trim())}
          />
        </Flex>
      ),
      okText: t("resources.shelter.open"),
      cancelText: t("common.cancel"),
      onOk: async () => {
        try {
          const saved = await api.post<ResourceRecord>(
            `/api/shelters/${encodeURIComponent(record.id)}/open`,
            incidentId ? { incidentId } : {},
          );
          onChanged(saved);
          message.success(t("resources.shelter.opened", { name: record.name }));
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });
  };

  const close = () =>
    modal.confirm({
      title: t("resources.shelter.closeConfirm", { name: record.name }),
      okText: t("resources.shelter.close"),
      okButtonProps: { danger: true },
      cancelText: t("common.cancel"),
      onOk: async () => {
        try {
          const saved = await api.post<ResourceRecord>(
            `/api/shelters/${encodeURIComponent(record.id)}/close`,
            {},
          );
          onChanged(saved);
          message.success(t("resources.shelter.closed", { name: record.name }));
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });

  const occupancy = () => {
    let value = Number(record.occupancy ?? 0);
    modal.confirm({
      title: `${t("resources.shelter.setOccupancy")}：${record.name}`,
      content: (
        <InputNumber
          min={0}
          precision={0}
          defaultValue={value}
          style={{ width: 200 }}
          autoFocus
          onChange={(v) => (value = Number(v ?? 0))}
        />
      ),
      okText: t("common.save"),
      cancelText: t("common.cancel"),
      onOk: async () => {
        try {
          onChanged(
            await api.post<ResourceRecord>(`/api/shelters/${encodeURIComponent(record.id)}/occupancy`, {
              occupancy: value,
            }),
          );
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });
  };

  return open ? (
    <>
      <Button type="link" size="small" onClick={occupancy}>
        {t("resources.shelter.setOccupancy")}
      </Button>
      <Button type="link" size="small" danger onClick={close}>
        {t("resources.shelter.close")}
      </Button>
    </>
  ) : (
    <Button type="link" size="small" onClick={activate}>
      {t("resources.shelter.open")}
    </Button>
  );
}
