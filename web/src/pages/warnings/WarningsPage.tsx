import { ImportOutlined, PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Table,
  Tabs,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { errorMessage } from "../../api/client.js";
import { PageHeader } from "../../components/PageHeader.js";
import { importCap, type Meta, type WarningSummary, warningsApi } from "./api.js";
import { ColourBadge, period, StatusTag, when } from "./common.js";
import "./warnings.css";

function useList(inbox: boolean, active: boolean, tick: number) {
  const [items, setItems] = useState<WarningSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    void tick; // a bump reloads
    const query = { ...(inbox ? { inbox } : {}), ...(active ? { active } : {}), limit: 100 };
    // The inbox is everything awaiting the user: follow its cursor (a few pages at most in practice).
    const load = async (): Promise<WarningSummary[]> => {
      const first = await warningsApi.list(query);
      const all = [...first.items];
      let cursor = first.nextCursor;
      for (let pages = 1; inbox && cursor && pages < 20; pages++) {
        const next = await warningsApi.list({ ...query, cursor });
        all.push(...next.items);
        cursor = next.nextCursor;
      }
      return all;
    };
    load()
      .then((all) => {
        setItems(all);
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [inbox, active, tick]);
  return { items, error };
}

/** One active warning as a card on the status board. */
function BoardCard({ w }: { w: WarningSummary }) {
  const { t } = useTranslation();
  return (
    <Card size="small" className={`fh-board-card fh-colour-${w.colour}`} data-testid="warning-card">
      <Flex vertical gap={6}>
        <Flex gap={8} align="center" wrap>
          <ColourBadge colour={w.colour} name={w.colourName} />
          <StatusTag status={w.status} name={w.statusName} />
          {w.origin === "relayed" ? (
            <Typography.Text type="secondary">{t("warnings.origins.relayed")}</Typography.Text>
          ) : null}
        </Flex>
        <Link to={`/warnings/${w.id}`} className="fh-board-title">
          {w.title}
        </Link>
        <Typography.Text type="secondary">
          {w.issuingUnitName} · {period(w.onsetAt, w.expiresAt)}
        </Typography.Text>
        {w.status === "published" ? (
          <Typography.Text type="secondary">{t(`warnings.publicStates.${w.publicState}`)}</Typography.Text>
        ) : null}
        {w.awaiting.length > 0 ? (
          <Typography.Text strong className="fh-awaiting">
            {t("warnings.awaiting", { who: w.awaiting.join(" / ") })}
          </Typography.Text>
        ) : null}
      </Flex>
    </Card>
  );
}

function ImportModal({
  open,
  meta,
  onClose,
}: {
  open: boolean;
  meta: Meta | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ xml: string; unitId?: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setProblem(undefined);
    try {
      const w = await importCap(values.xml, values.unitId);
      message.success(t("warnings.importOk"));
      onClose();
      navigate(`/warnings/${w.id}/edit`);
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t("warnings.importTitle")}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      width={720}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("warnings.importHint")}</Typography.Paragraph>
      {problem ? <Alert type="error" showIcon message={problem} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical">
        {meta?.isOffice ? (
          <Form.Item name="unitId" label={t("warnings.importUnit")}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: "label" }}
              options={meta.units.map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item
          name="xml"
          label="CAP XML"
          rules={[{ required: true, message: t("warnings.form.required") }]}
        >
          <Input.TextArea
            rows={12}
            spellCheck={false}
            className="fh-mono"
            placeholder='<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">…'
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 预警: status board of active warnings, the user's approval inbox, and every warning. */
export function WarningsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") ?? "board";
  const [tick, setTick] = useState(0);
  const [meta, setMeta] = useState<Meta | undefined>();
  const [importing, setImporting] = useState(false);
  const board = useList(false, true, tick);
  const inbox = useList(true, false, tick);
  const all = useList(false, false, tick);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    warningsApi
      .meta()
      .then(setMeta)
      .catch(() => setMeta(undefined));
  }, []);
  useEffect(() => {
    const source = new EventSource("/api/stream");
    let timer: number | undefined;
    source.addEventListener("warning.changed", () => {
      timer ??= window.setTimeout(() => {
        timer = undefined;
        refresh();
      }, 300);
    });
    return () => {
      source.close();
      if (timer) {
        window.clearTimeout(timer);
      }
    };
  }, [refresh]);

  const published = (board.items ?? []).filter((w) => w.status === "published");
  const pipeline = (board.items ?? []).filter((w) => w.status !== "published");
  const columns = [
    {
      title: t("warnings.colTitle"),
      key: "title",
      render: (_: unknown, w: WarningSummary) => (
        <Flex gap={8} align="center" wrap>
          <ColourBadge colour={w.colour} name={w.colourName} />
          <Link to={`/warnings/${w.id}`}>{w.title}</Link>
        </Flex>
      ),
    },
    {
      title: t("warnings.colStatus"),
      key: "status",
      width: 130,
      render: (_: unknown, w: WarningSummary) => <StatusTag status={w.status} name={w.statusName} />,
    },
    {
      title: t("warnings.colOrigin"),
      key: "origin",
      width: 72,
      render: (_: unknown, w: WarningSummary) => t(`warnings.origins.${w.origin}`),
    },
    {
      title: t("warnings.colIssuer"),
      dataIndex: "issuingUnitName",
      key: "issuer",
      width: 190,
      ellipsis: true,
    },
    {
      title: t("warnings.colAwaiting"),
      key: "awaiting",
      width: 200,
      render: (_: unknown, w: WarningSummary) => w.awaiting.join(" / ") || "—",
    },
    {
      title: t("warnings.colUpdated"),
      key: "updated",
      width: 140,
      render: (_: unknown, w: WarningSummary) => when(w.updatedAt),
    },
  ];

  return (
    <div className="fh-page">
      <PageHeader
        title={t("warnings.title")}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={refresh}>
              {t("common.refresh")}
            </Button>
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} disabled={!meta?.canDraft}>
              {t("warnings.importCap")}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate("/warnings/new")}
              disabled={!meta?.canDraft}
            >
              {t("warnings.newWarning")}
            </Button>
          </>
        }
      />
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key })}
        items={[
          {
            key: "board",
            label: t("warnings.board"),
            children: board.error ? (
              <Alert type="error" showIcon message={board.error} />
            ) : (board.items ?? []).length === 0 ? (
              <Empty description={t("warnings.noActive")} />
            ) : (
              <Flex vertical gap={16}>
                <div className="fh-board-grid">
                  {published.map((w) => (
                    <BoardCard key={w.id} w={w} />
                  ))}
                </div>
                {pipeline.length > 0 ? (
                  <div className="fh-board-grid">
                    {pipeline.map((w) => (
                      <BoardCard key={w.id} w={w} />
                    ))}
                  </div>
                ) : null}
              </Flex>
            ),
          },
          {
            key: "inbox",
            label: (
              <Badge count={inbox.items?.length ?? 0} size="small" offset={[8, -2]}>
                {t("warnings.inbox")}
              </Badge>
            ),
            children: inbox.error ? (
              <Alert type="error" showIcon message={inbox.error} />
            ) : (
              <Table
                rowKey="id"
                size="middle"
                columns={columns}
                dataSource={inbox.items ?? []}
                loading={inbox.items === undefined}
                pagination={false}
                locale={{ emptyText: t("warnings.noInbox") }}
                data-testid="warning-inbox"
              />
            ),
          },
          {
            key: "all",
            label: t("warnings.all"),
            children: (
              <Table
                rowKey="id"
                size="middle"
                columns={columns}
                dataSource={all.items ?? []}
                loading={all.items === undefined}
                pagination={{ pageSize: 20 }}
              />
            ),
          },
        ]}
      />
      <ImportModal open={importing} meta={meta} onClose={() => setImporting(false)} />
    </div>
  );
}
