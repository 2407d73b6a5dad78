import { ReloadOutlined } from "@ant-design/icons";
import {
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Steps,
  Table,
  Tag,
  Typography,
} from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { DISPATCH_STATE_LABELS, type DispatchState } from "../../../../shared/resources.js";
import { api, errorMessage } from "../../api/client.js";
import type { Page } from "../../api/types.js";
import { ErrorResult } from "../../components/ErrorResult.js";
import { useCursorList } from "../../hooks/useCursorList.js";
import { formatDateTime } from "../../lib/format.js";
import type { Dispatch } from "./api.js";

const STATE_COLOURS: Record<string, string> = {
  requested: "gold",
  approved: "blue",
  rejected: "default",
  dispatched: "orange",
  arrived: "green",
  returned: "default",
  consumed: "default",
};

export function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLOURS[state]}>{t(`resources.dispatchStates.${state as DispatchState}`)}</Tag>;
}

/** 调用记录: newest first, with the approval chain and the next action for the signed-in user. */
export function DispatchesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id } = useParams();
  const [state, setState] = useState<string | undefined>(undefined);
  const list = useCursorList(state ?? "", (cursor) =>
    api.get<Page<Dispatch>>("/api/dispatches", { state, limit: 50, cursor }),
  );

  return (
    <Card>
      <Flex gap={8} wrap justify="space-between" style={{ marginBottom: 16 }}>
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t("resources.dispatch.filterState")}
          aria-label={t("resources.dispatch.filterState")}
          value={state}
          onChange={setState}
          options={Object.keys(DISPATCH_STATE_LABELS).map((s) => ({
            value: s,
            label: t(`resources.dispatchStates.${s as DispatchState}`),
          }))}
        />
        <Button icon={<ReloadOutlined />} onClick={list.reload}>
          {t("common.refresh")}
        </Button>
      </Flex>
      {list.error ? (
        <ErrorResult error={list.error} onRetry={list.reload} />
      ) : (
        <Table<Dispatch>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: 1000 }}
          onRow={(d) => ({ onDoubleClick: () => navigate(`/resources/dispatches/${d.id}`) })}
          columns={[
            {
              key: "resource",
              title: t("resources.dispatch.resource"),
              render: (_, d) => (
                <Flex vertical>
                  <Button
                    type="link"
                    className="fh-res-namelink"
                    onClick={() => navigate(`/resources/dispatches/${d.id}`)}
                  >
                    {d.resourceName}
                  </Button>
                  <Typography.Text type="secondary">
                    {t(`resources.dispatchResources.${d.resourceType}`)}
                    {d.resourceType !== "team" ? ` × ${d.quantity}${d.unit ?? ""}` : ""}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              key: "incident",
              title: t("resources.dispatch.incident"),
              width: 160,
              dataIndex: "incidentId",
              ellipsis: true,
            },
            {
              key: "req",
              title: t("resources.dispatch.requestingUnit"),
              width: 150,
              dataIndex: "requestingUnitName",
            },
            { key: "owner", title: t("resources.dispatch.owner"), width: 150, dataIndex: "owningUnitName" },
            {
              key: "state",
              title: t("resources.dispatch.state"),
              width: 260,
              render: (_, d) => (
                <Flex vertical gap={2}>
                  <span>
                    <StateTag state={d.state} />
                  </span>
                  {d.pending ? (
                    <Typography.Text type="warning" style={{ fontSize: 12 }}>
                      {t("resources.dispatch.pending", { name: d.pending.name, by: d.pending.by.join("／") })}
                    </Typography.Text>
                  ) : null}
                </Flex>
              ),
            },
            {
              key: "at",
              title: t("resources.dispatch.requested"),
              width: 170,
              render: (_, d) => formatDateTime(d.createdAt),
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
      <DispatchDrawer
        id={id}
        onClose={() => navigate("/resources/dispatches")}
        onChanged={(d) => list.update((x) => x.id === d.id, d)}
      />
    </Card>
  );
}

function DispatchDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string | undefined;
  onClose(): void;
  onChanged(d: Dispatch): void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [d, setD] = useState<Dispatch | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [returning, setReturning] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setD(undefined);
    setError(undefined);
    if (id) {
      api
        .get<Dispatch>(`/api/dispatches/${encodeURIComponent(id)}`)
        .then(setD)
        .catch(setError);
    }
  }, [id]);

  const act = async (action: string, body: Record<string, unknown> = {}) => {
    if (!d) {
      return;
    }
    setBusy(true);
    try {
      const next = await api.post<Dispatch>(`/api/dispatches/${encodeURIComponent(d.id)}/${action}`, body);
      setD(next);
      onChanged(next);
      message.success(t("resources.dispatch.done"));
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const confirm = (title: string, action: string) =>
    modal.confirm({ title, okText: t("common.ok"), cancelText: t("common.cancel"), onOk: () => act(action) });

  const reject = () => {
    let reason = "";
    modal.confirm({
      title: t("resources.dispatch.reject"),
      content: (
        <Input.TextArea
          autoFocus
          placeholder={t("resources.dispatch.rejectReason")}
          onChange={(e) => (reason = e.target.value)}
        />
      ),
      okText: t("resources.dispatch.reject"),
      okButtonProps: { danger: true },
      cancelText: t("common.cancel"),
      onOk: () =>
        reason.trim()
          ? act("reject", { reason: reason.trim() })
          : Promise.reject(new Error(t("resources.form.required"))),
    });
  };

  const currentStep = d ? d.steps.findIndex((s) => s.doneAt === null) : -1;
  const can = (a: string) => d?.allowedActions.includes(a) ?? false;

  return (
    <Drawer
      open={id !== undefined}
      size={640}
      onClose={onClose}
      title={d ? `${t("resources.dispatch.detail")}：${d.resourceName}` : t("resources.dispatch.detail")}
    >
      {error ? <ErrorResult error={error} /> : null}
      {d ? (
        <Flex vertical gap={16}>
          <Flex gap={8} wrap>
            {can("approve") && d.pending ? (
              <Button
                type="primary"
                loading={busy}
                onClick={() =>
                  confirm(t("resources.dispatch.approveConfirm", { step: d.pending?.name ?? "" }), "approve")
                }
              >
                {t("resources.dispatch.approve")}：{d.pending.name}
              </Button>
            ) : null}
            {can("dispatch") ? (
              <Button
                type="primary"
                loading={busy}
                onClick={() => confirm(t("resources.dispatch.sendConfirm"), "dispatch")}
              >
                {t("resources.dispatch.send")}
              </Button>
            ) : null}
            {can("arrive") ? (
              <Button loading={busy} onClick={() => confirm(t("resources.dispatch.arriveConfirm"), "arrive")}>
                {t("resources.dispatch.arrive")}
              </Button>
            ) : null}
            {can("return") ? (
              <Button loading={busy} onClick={() => setReturning(true)}>
                {t("resources.dispatch.returnBtn")}
              </Button>
            ) : null}
            {can("reject") ? (
              <Button danger loading={busy} onClick={reject}>
                {t("resources.dispatch.reject")}
              </Button>
            ) : null}
          </Flex>
          <Descriptions column={1} size="small" bordered styles={{ label: { width: 130 } }}>
            <Descriptions.Item label={t("resources.dispatch.state")}>
              <StateTag state={d.state} />
            </Descriptions.Item>
            <Descriptions.Item label={t("resources.dispatch.resource")}>
              {d.resourceName}
              {d.resourceType !== "team" ? ` × ${d.quantity}${d.unit ?? ""}` : ""}
              {d.returnedQuantity !== null && d.resourceType !== "team"
                ? `（${t("resources.dispatch.returnQuantity")} ${d.returnedQuantity}）`
                : ""}
            </Descriptions.Item>
            <Descriptions.Item label={t("resources.dispatch.incident")}>{d.incidentId}</Descriptions.Item>
            <Descriptions.Item label={t("resources.dispatch.requestingUnit")}>
              {d.requestingUnitName}
            </Descriptions.Item>
            <Descriptions.Item label={t("resources.dispatch.owner")}>{d.owningUnitName}</Descriptions.Item>
            <Descriptions.Item label={t("resources.dispatch.ruleCase")}>{d.ruleName}</Descriptions.Item>
            {d.destination ? (
              <Descriptions.Item label={t("resources.dispatch.destination")}>
                {d.destination}
              </Descriptions.Item>
            ) : null}
            {d.note ? (
              <Descriptions.Item label={t("resources.dispatch.note")}>{d.note}</Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t("resources.dispatch.times")}>
              <Space orientation="vertical" size={0}>
                <span>
                  {t("resources.dispatch.requested")}：{formatDateTime(d.createdAt)}（{d.requestedByName}）
                </span>
                {d.dispatchedAt ? (
                  <span>
                    {t("resources.dispatch.dispatchedAt")}：{formatDateTime(d.dispatchedAt)}
                  </span>
                ) : null}
                {d.arrivedAt ? (
                  <span>
                    {t("resources.dispatch.arrivedAt")}：{formatDateTime(d.arrivedAt)}
                  </span>
                ) : null}
                {d.closedAt ? (
                  <span>
                    {t("resources.dispatch.closedAt")}：{formatDateTime(d.closedAt)}
                  </span>
                ) : null}
              </Space>
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Text strong>{t("resources.dispatch.steps")}</Typography.Text>
            <Steps
              orientation="vertical"
              size="small"
              current={currentStep === -1 ? d.steps.length : currentStep}
              status={d.state === "rejected" ? "error" : undefined}
              items={d.steps.map((s) => ({
                title: s.name,
                content: s.doneAt
                  ? `${t("resources.dispatch.stepDone", { who: s.doneByName ?? "", at: formatDateTime(s.doneAt) })}${s.comment ? ` — ${s.comment}` : ""}`
                  : t("resources.dispatch.stepWaiting", { by: s.by.map((b) => b.label).join("／") }),
              }))}
            />
          </div>
        </Flex>
      ) : null}
      <ReturnModal
        dispatch={returning ? d : undefined}
        onClose={() => setReturning(false)}
        onSubmit={async (body) => {
          setReturning(false);
          await act("return", body);
        }}
      />
    </Drawer>
  );
}

function ReturnModal({
  dispatch,
  onClose,
  onSubmit,
}: {
  dispatch: Dispatch | undefined;
  onClose(): void;
  onSubmit(body: Record<string, unknown>): Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{
    outcome: string;
    quantity?: number;
    teamStatus?: string;
    comment?: string;
  }>();
  useEffect(() => {
    if (dispatch) {
      form.setFieldsValue({ outcome: "returned", quantity: dispatch.quantity, teamStatus: "available" });
    }
  }, [dispatch, form]);
  return (
    <Modal
      open={dispatch !== undefined}
      title={t("resources.dispatch.returnTitle")}
      onCancel={onClose}
      okText={t("common.ok")}
      cancelText={t("common.cancel")}
      onOk={async () => {
        const v = await form.validateFields().catch(() => undefined);
        if (!v) {
          return;
        }
        await onSubmit(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== "")));
      }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item name="outcome" label={t("resources.dispatch.outcome")}>
          <Radio.Group>
            <Radio value="returned">{t("resources.dispatch.returned")}</Radio>
            {dispatch?.resourceType !== "team" ? (
              <Radio value="consumed">{t("resources.dispatch.consumed")}</Radio>
            ) : null}
          </Radio.Group>
        </Form.Item>
        {dispatch?.resourceType !== "team" ? (
          <Form.Item name="quantity" label={t("resources.dispatch.returnQuantity")}>
            <InputNumber min={0} max={dispatch?.quantity} precision={0} />
          </Form.Item>
        ) : (
          <Form.Item name="teamStatus" label={t("resources.dispatch.teamStatus")}>
            <Radio.Group>
              <Radio value="available">{t("resources.teamStatuses.available")}</Radio>
              <Radio value="resting">{t("resources.teamStatuses.resting")}</Radio>
            </Radio.Group>
          </Form.Item>
        )}
        <Form.Item name="comment" label={t("resources.dispatch.note")}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
