import {
  App,
  Button,
  Flex,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/client.js";
import { UnitSelect } from "../../components/UnitSelect.js";
import { formatDateTime, shanghaiToIso } from "../../lib/format.js";
import { responseApi, type Task, type Workspace } from "./api.js";

const STATUS_COLOURS: Record<string, string> = {
  pending: "default",
  in_progress: "processing",
  done: "success",
  cancelled: "default",
};

interface TaskForm {
  title: string;
  target: "group" | "unit";
  groupKey?: string;
  unitId?: string;
  due?: string;
}

function AssignModal({ w, onClose }: { w: Workspace; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TaskForm>();
  const target = Form.useWatch("target", form);
  const groups = w.post?.groups ?? [];
  return (
    <Modal
      open
      title={t("response.tasks.add")}
      okText={t("response.tasks.add")}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<TaskForm>
        form={form}
        layout="vertical"
        initialValues={{ target: groups.length > 0 ? "group" : "unit", groupKey: groups[0]?.key }}
        onFinish={async (v) => {
          try {
            await responseApi.createTask(w.incident.id, {
              title: v.title,
              ...(v.target === "group" ? { groupKey: v.groupKey } : { unitId: v.unitId }),
              ...(v.due ? { dueAt: shanghaiToIso(v.due) } : {}),
            });
            message.success(t("response.tasks.created"));
            onClose(true);
          } catch (error) {
            message.error(errorMessage(error));
          }
        }}
      >
        <Form.Item
          name="title"
          label={t("response.tasks.title")}
          rules={[{ required: true, message: t("response.tasks.titleRequired") }]}
        >
          <Input.TextArea rows={2} maxLength={200} data-testid="task-title" />
        </Form.Item>
        <Form.Item name="target" label={t("response.tasks.assignTo")}>
          <Segmented
            options={[
              { value: "group", label: t("response.tasks.group"), disabled: groups.length === 0 },
              { value: "unit", label: t("response.tasks.unit") },
            ]}
          />
        </Form.Item>
        {target === "group" ? (
          <Form.Item
            name="groupKey"
            rules={[{ required: true, message: t("response.tasks.assignRequired") }]}
          >
            <Select options={groups.map((g) => ({ value: g.key, label: g.name }))} data-testid="task-group" />
          </Form.Item>
        ) : (
          <Form.Item name="unitId" rules={[{ required: true, message: t("response.tasks.assignRequired") }]}>
            <UnitSelect />
          </Form.Item>
        )}
        <Form.Item name="due" label={t("response.tasks.due")}>
          <Input type="datetime-local" data-testid="task-due" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The task board: overdue tasks first and in red, one-click checklist, start/finish. */
export function TaskBoard({ w, onChanged }: { w: Workspace; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [adding, setAdding] = useState(false);
  const [filter, setFilter] = useState<"all" | "open" | "overdue">("all");
  const canOperate = w.allowedActions.includes("operate");
  const running = w.response !== null && w.response.state !== "ended";
  const made = new Set(w.tasks.map((x) => x.measureRef));
  const remaining = w.plan.checklist.filter((c) => !made.has(c.ref)).length;
  const overdue = w.tasks.filter((x) => x.overdue).length;
  const shown = w.tasks
    .filter((x) =>
      filter === "overdue"
        ? x.overdue
        : filter === "open"
          ? x.status === "pending" || x.status === "in_progress"
          : true,
    )
    .sort((a, b) => Number(b.overdue) - Number(a.overdue));

  const update = async (task: Task, status: Task["status"]) => {
    try {
      await responseApi.updateTask(task.id, { status });
      onChanged();
    } catch (error) {
      message.error(errorMessage(error));
    }
  };

  return (
    <Space orientation="vertical" size={8} style={{ width: "100%" }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Segmented
          value={filter}
          onChange={(v) => setFilter(v as typeof filter)}
          options={[
            { value: "all", label: `${t("response.tasks.filterAll")} ${w.tasks.length}` },
            { value: "open", label: t("response.tasks.filterOpen") },
            { value: "overdue", label: `${t("response.tasks.filterOverdue")} ${overdue}` },
          ]}
        />
        {canOperate && running ? (
          <Space wrap>
            {remaining > 0 ? (
              <Button
                onClick={() =>
                  modal.confirm({
                    title: t("response.tasks.checklist"),
                    content: t("response.tasks.checklistConfirm", { count: remaining }),
                    onOk: async () => {
                      try {
                        const r = await responseApi.checklist(w.incident.id, {});
                        message.success(t("response.tasks.checklistDone", { count: r.items.length }));
                        onChanged();
                      } catch (error) {
                        message.error(errorMessage(error));
                      }
                    },
                  })
                }
              >
                {t("response.tasks.checklist")}（{remaining}）
              </Button>
            ) : null}
            <Button type="primary" onClick={() => setAdding(true)} data-testid="add-task">
              {t("response.tasks.add")}
            </Button>
          </Space>
        ) : null}
      </Flex>
      <Table<Task>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={shown}
        data-testid="task-board"
        scroll={{ y: 420 }}
        locale={{ emptyText: t("response.tasks.none") }}
        rowClassName={(x) => (x.overdue ? "fh-row-overdue" : "")}
        columns={[
          {
            title: t("response.tasks.title"),
            key: "title",
            render: (_, x) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text title={x.detail ?? undefined}>{x.title}</Typography.Text>
                {x.notes.length > 0 ? (
                  <Typography.Text type="secondary" className="fh-task-note">
                    {x.notes[x.notes.length - 1]?.text}
                  </Typography.Text>
                ) : null}
              </Space>
            ),
          },
          { title: t("response.tasks.assignee"), dataIndex: "assignee", width: 110 },
          {
            title: t("response.tasks.due"),
            dataIndex: "dueAt",
            width: 150,
            render: (v: string | null, x) => (
              <Space size={4} wrap>
                <span>{v ? formatDateTime(v).slice(5, 16) : "—"}</span>
                {x.overdue ? <Tag color="red">{t("response.tasks.overdue")}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t("response.tasks.status"),
            dataIndex: "status",
            width: 80,
            render: (s: string) => (
              <Tag color={STATUS_COLOURS[s]}>
                {t(`response.tasks.statuses.${s}` as "response.tasks.statuses.pending")}
              </Tag>
            ),
          },
          {
            title: t("common.actions"),
            key: "actions",
            width: 120,
            render: (_, x) =>
              running &&
              x.allowedActions.includes("updateTask") &&
              (x.status === "pending" || x.status === "in_progress") ? (
                <Space size={4}>
                  {x.status === "pending" ? (
                    <Button size="small" onClick={() => void update(x, "in_progress")}>
                      {t("response.tasks.start")}
                    </Button>
                  ) : null}
                  <Button
                    size="small"
                    onClick={() =>
                      modal.confirm({
                        title: t("response.tasks.finish"),
                        content: x.title,
                        onOk: () => update(x, "done"),
                      })
                    }
                  >
                    {t("response.tasks.finish")}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      {adding ? (
        <AssignModal
          w={w}
          onClose={(saved) => {
            setAdding(false);
            if (saved) {
              onChanged();
            }
          }}
        />
      ) : null}
    </Space>
  );
}
