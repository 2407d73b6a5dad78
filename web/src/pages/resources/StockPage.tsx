import { DownloadOutlined, ReloadOutlined, UploadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { MANUAL_MOVEMENT_KINDS } from "../../../../shared/resources.js";
import { api, errorMessage } from "../../api/client.js";
import type { Page } from "../../api/types.js";
import { ErrorResult } from "../../components/ErrorResult.js";
import { useCursorList } from "../../hooks/useCursorList.js";
import { formatDateTime } from "../../lib/format.js";
import { applyFieldErrors } from "../../lib/formErrors.js";
import { download, type Movement, type ResourceRecord, type StockLine } from "./api.js";
import { DispatchModal, type DispatchTarget } from "./DispatchModal.js";
import { ImportModal } from "./ImportModal.js";

/** 库存台账: stock lines by warehouse, movements (in/out/transfer/adjust/expired), each line's ledger. */
export function StockPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [q, setQ] = useState("");
  const [warehouseId, setWarehouseId] = useState<string | undefined>(undefined);
  const [inStock, setInStock] = useState(false);
  const [moving, setMoving] = useState<StockLine | undefined>(undefined);
  const [ledger, setLedger] = useState<StockLine | undefined>(undefined);
  const [importing, setImporting] = useState(false);
  const [dispatching, setDispatching] = useState<DispatchTarget | undefined>(undefined);
  const [warehouses, setWarehouses] = useState<ResourceRecord[]>([]);

  useEffect(() => {
    api
      .get<Page<ResourceRecord>>("/api/warehouses", { limit: 500 })
      .then((p) => setWarehouses(p.items))
      .catch(() => setWarehouses([]));
  }, []);

  const query = useMemo(
    () => ({ q: q || undefined, warehouseId, inStock: inStock ? "true" : undefined }),
    [q, warehouseId, inStock],
  );
  const list = useCursorList(JSON.stringify(query), (cursor) =>
    api.get<Page<StockLine>>("/api/stock", { ...query, limit: 100, cursor }),
  );

  return (
    <Card>
      <Flex gap={8} wrap justify="space-between" style={{ marginBottom: 16 }}>
        <Flex gap={8} wrap align="center">
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t("resources.list.search")}
            aria-label={t("resources.list.search")}
            onSearch={(v) => setQ(v.trim())}
          />
          <Select
            allowClear
            style={{ width: 220 }}
            placeholder={t("resources.stock.warehouse")}
            aria-label={t("resources.stock.warehouse")}
            value={warehouseId}
            onChange={setWarehouseId}
            options={warehouses.map((w) => ({ value: w.id, label: w.name }))}
          />
          <Space>
            <Switch checked={inStock} onChange={setInStock} aria-label={t("resources.stock.inStock")} />
            <Typography.Text>{t("resources.stock.inStock")}</Typography.Text>
          </Space>
        </Flex>
        <Flex gap={8} wrap>
          <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label={t("common.refresh")} />
          <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
            {t("resources.list.importBtn")}
          </Button>
          <Button icon={<DownloadOutlined />} onClick={() => download("/api/stock/export.xlsx", query)}>
            {t("resources.list.exportXlsx")}
          </Button>
        </Flex>
      </Flex>
      {list.error ? (
        <ErrorResult error={list.error} onRetry={list.reload} />
      ) : (
        <Table<StockLine>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: 1100 }}
          columns={[
            {
              key: "warehouse",
              title: t("resources.stock.warehouse"),
              width: 200,
              render: (_, s) => s.warehouseName,
            },
            {
              key: "supply",
              title: t("resources.stock.supply"),
              width: 240,
              render: (_, s) => (
                <Flex vertical>
                  <Typography.Text strong>{s.supplyName}</Typography.Text>
                  <Typography.Text type="secondary" className="fh-mono">
                    {s.supplyCode}
                    {s.batch ? ` · ${t("resources.stock.batch")} ${s.batch}` : ""}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              key: "quantity",
              title: t("resources.stock.quantity"),
              width: 140,
              align: "right",
              render: (_, s) => (
                <Typography.Text strong className="fh-res-qty">
                  {s.quantity.toLocaleString("zh-CN")} {s.unit}
                </Typography.Text>
              ),
            },
            {
              key: "expiry",
              title: t("resources.stock.expiry"),
              width: 150,
              render: (_, s) =>
                s.expiryDate ? (
                  <Space size={4}>
                    {s.expiryDate}
                    {s.expiry === "expired" ? <Tag color="red">{t("resources.stock.expired")}</Tag> : null}
                    {s.expiry === "expiring" ? (
                      <Tag color="orange">{t("resources.stock.expiring")}</Tag>
                    ) : null}
                  </Space>
                ) : (
                  "—"
                ),
            },
            {
              key: "mode",
              title: t("resources.stock.reserveMode"),
              width: 150,
              render: (_, s) => t(`resources.reserveModes.${s.reserveMode as "physical"}`),
            },
            { key: "owner", title: t("resources.list.owner"), width: 150, dataIndex: "ownerUnitName" },
            {
              key: "actions",
              title: t("common.actions"),
              fixed: "right",
              width: 200,
              render: (_, s) => (
                <Space size={0} wrap>
                  {s.allowedActions.includes("move") ? (
                    <Button type="link" size="small" onClick={() => setMoving(s)}>
                      {t("resources.stock.move")}
                    </Button>
                  ) : null}
                  <Button type="link" size="small" onClick={() => setLedger(s)}>
                    {t("resources.stock.ledger")}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    disabled={s.quantity <= 0}
                    onClick={() =>
                      setDispatching({
                        resourceType: "stock",
                        resourceId: s.id,
                        name: `${s.supplyName}（${s.warehouseName}）`,
                        owningUnitId: s.ownerUnitId,
                        available: s.quantity,
                        unit: s.unit,
                      })
                    }
                  >
                    {t("resources.map.dispatch")}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
      <Flex justify="center" gap={12} style={{ marginTop: 16 }}>
        <Typography.Text type="secondary">
          {t("common.shownCount", { count: list.items.length })}
        </Typography.Text>
        {list.hasMore ? <Button onClick={list.loadMore}>{t("common.loadMore")}</Button> : null}
      </Flex>
      <MovementModal
        line={moving}
        warehouses={warehouses}
        onClose={() => setMoving(undefined)}
        onDone={(saved) => {
          setMoving(undefined);
          list.update((s) => s.id === saved.id, saved);
          message.success(t("resources.stock.moved", { quantity: saved.quantity, unit: saved.unit }));
        }}
      />
      <LedgerDrawer line={ledger} onClose={() => setLedger(undefined)} />
      <ImportModal
        open={importing}
        sheet="stock"
        label={t("resources.tabs.stock")}
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
        }}
      />
    </Card>
  );
}

function MovementModal({
  line,
  warehouses,
  onClose,
  onDone,
}: {
  line: StockLine | undefined;
  warehouses: ResourceRecord[];
  onClose(): void;
  onDone(s: StockLine): void;
}) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const [form] = Form.useForm<{ kind: string; quantity: number; toWarehouseId?: string; reason?: string }>();
  const kind = Form.useWatch("kind", form);
  const [general, setGeneral] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (line) {
      form.resetFields();
      form.setFieldsValue({ kind: "out" });
      setGeneral([]);
    }
  }, [line, form]);

  const kindLabel = (k: string) =>
    k === "transfer" ? t("resources.movementKinds.transfer_out") : t(`resources.movementKinds.${k as "in"}`);

  const submit = async () => {
    if (!line) {
      return;
    }
    const v = await form.validateFields().catch(() => undefined);
    if (!v) {
      return;
    }
    modal.confirm({
      title: t("resources.stock.moveConfirm", {
        kind: kindLabel(v.kind),
        amount: v.quantity,
        unit: line.unit,
      }),
      okText: t("common.ok"),
      cancelText: t("common.cancel"),
      onOk: async () => {
        setSaving(true);
        try {
          onDone(await api.post<StockLine>("/api/stock/movements", { stockId: line.id, ...v }));
        } catch (error) {
          setGeneral(applyFieldErrors(form, error, ["kind", "quantity", "toWarehouseId", "reason"]));
        } finally {
          setSaving(false);
        }
      },
    });
  };

  return (
    <Modal
      open={line !== undefined}
      title={
        line
          ? t("resources.stock.moveTitle", {
              name: `${line.supplyName}（${line.warehouseName}，${t("resources.stock.quantity")} ${line.quantity} ${line.unit}）`,
            })
          : ""
      }
      onOk={submit}
      onCancel={onClose}
      confirmLoading={saving}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      destroyOnHidden
    >
      {general.length > 0 ? (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={general.join("；")} />
      ) : null}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="kind" label={t("resources.stock.kind")} rules={[{ required: true }]}>
          <Select options={MANUAL_MOVEMENT_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} />
        </Form.Item>
        <Form.Item
          name="quantity"
          label={`${t("resources.stock.amount")}（${line?.unit ?? ""}）`}
          extra={kind === "adjust" ? t("resources.stock.amountHelp") : undefined}
          rules={[{ required: true, message: t("resources.form.required") }]}
        >
          <InputNumber
            precision={0}
            min={kind === "adjust" ? undefined : 1}
            style={{ width: 200 }}
            autoFocus
          />
        </Form.Item>
        {kind === "transfer" ? (
          <Form.Item
            name="toWarehouseId"
            label={t("resources.stock.toWarehouse")}
            rules={[{ required: true, message: t("resources.form.required") }]}
          >
            <Select
              options={warehouses
                .filter((w) => w.id !== line?.warehouseId)
                .map((w) => ({ value: w.id, label: w.name }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item name="reason" label={t("resources.stock.reason")}>
          <Input maxLength={500} />
        </Form.Item>
        <button type="submit" hidden aria-hidden />
      </Form>
    </Modal>
  );
}

function LedgerDrawer({ line, onClose }: { line: StockLine | undefined; onClose(): void }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Movement[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    setItems(undefined);
    setError(undefined);
    if (line) {
      api
        .get<Page<Movement>>("/api/stock/movements", { stockId: line.id, limit: 200 })
        .then((p) => setItems(p.items))
        .catch((e: unknown) => setError(errorMessage(e)));
    }
  }, [line]);
  return (
    <Drawer
      open={line !== undefined}
      size={720}
      onClose={onClose}
      title={
        line ? t("resources.stock.ledgerTitle", { name: `${line.supplyName}（${line.warehouseName}）` }) : ""
      }
    >
      {error ? <Alert type="error" title={error} /> : null}
      <Table<Movement>
        size="small"
        rowKey="id"
        loading={items === undefined && !error}
        dataSource={items ?? []}
        pagination={false}
        columns={[
          { title: t("resources.stock.at"), width: 160, render: (_, m) => formatDateTime(m.at) },
          {
            title: t("resources.stock.kind"),
            width: 110,
            render: (_, m) => t(`resources.movementKinds.${m.kind as "in"}`),
          },
          {
            title: t("resources.stock.delta"),
            width: 90,
            align: "right",
            render: (_, m) => (
              <Typography.Text type={m.delta < 0 ? "danger" : "success"}>
                {m.delta > 0 ? `+${m.delta}` : m.delta}
              </Typography.Text>
            ),
          },
          { title: t("resources.stock.balance"), width: 90, align: "right", dataIndex: "balanceAfter" },
          { title: t("resources.stock.actor"), width: 110, dataIndex: "actorName" },
          { title: t("resources.stock.reason"), ellipsis: true, dataIndex: "reason" },
        ]}
      />
    </Drawer>
  );
}
