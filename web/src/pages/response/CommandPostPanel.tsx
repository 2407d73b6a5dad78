import { CopyOutlined } from "@ant-design/icons";
import {
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CHECKIN_KINDS, CORDON_KINDS } from "../../../../shared/response.js";
import { errorMessage } from "../../api/client.js";
import { formatDateTime } from "../../lib/format.js";
import { type Group, type Post, responseApi, type Workspace } from "./api.js";
import { SimpleList } from "./SimpleList.js";

interface PostFormValues {
  name: string;
  address: string;
  contacts?: string;
  holders: Record<string, string>;
}

/** Sets up the post: name, place, the profile's roles (指挥长、执行指挥 …), contacts. */
function CreatePostForm({ w, onDone }: { w: Workspace; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PostFormValues>();
  const [busy, setBusy] = useState(false);
  return (
    <Form<PostFormValues>
      form={form}
      layout="vertical"
      className="fh-post-form"
      initialValues={{ name: `${w.incident.place}现场指挥部`, address: w.incident.place }}
      onFinish={async (v) => {
        setBusy(true);
        try {
          await responseApi.createPost(w.incident.id, {
            name: v.name,
            address: v.address,
            ...(w.incident.lat !== null && w.incident.lng !== null
              ? { location: { lat: w.incident.lat, lng: w.incident.lng } }
              : {}),
            ...(v.contacts ? { contacts: v.contacts } : {}),
            roles: w.plan.postRoles
              .filter((r) => (v.holders?.[r.id] ?? "").trim() !== "")
              .map((r) => ({ roleId: r.id, holderName: v.holders[r.id]?.trim() ?? "" })),
          });
          message.success(t("response.post.created"));
          onDone();
        } catch (error) {
          message.error(errorMessage(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form.Item
        name="name"
        label={t("response.post.name")}
        rules={[{ required: true, message: t("response.post.nameRequired") }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item
        name="address"
        label={t("response.post.address")}
        rules={[{ required: true, message: t("response.post.addressRequired") }]}
        extra={w.incident.lat !== null ? t("response.post.useIncidentPlace") : undefined}
      >
        <Input maxLength={300} />
      </Form.Item>
      {w.plan.postRoles.map((r, i) => (
        <Form.Item
          key={r.id}
          name={["holders", r.id]}
          label={t("response.post.roleHolder", { role: r.name })}
          extra={t("response.post.roleHeldBy", { who: r.heldBy.join("、") })}
          rules={i === 0 ? [{ required: true, message: t("response.post.holderRequired") }] : []}
        >
          <Input maxLength={100} data-testid={`post-role-${r.id}`} />
        </Form.Item>
      ))}
      <Form.Item name="contacts" label={t("response.post.contacts")}>
        <Input maxLength={500} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="create-post">
        {t("response.post.create")}
      </Button>
    </Form>
  );
}

function GroupModal({
  post,
  group,
  onClose,
}: {
  post: Post;
  group: Group | "new";
  onClose: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name?: string; leaderName?: string; members?: string }>();
  const isNew = group === "new";
  return (
    <Modal
      open
      title={isNew ? t("response.post.addGroup") : group.name}
      okText={t("common.save")}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={
          isNew
            ? {}
            : { leaderName: group.leaderName ?? "", members: group.members.map((m) => m.name).join("\n") }
        }
        onFinish={async (v) => {
          const members = (v.members ?? "")
            .split("\n")
            .map((s) => s.trim())
            .filter((s) => s !== "")
            .map((name) => ({ name }));
          try {
            await responseApi.saveGroup(post.id, {
              ...(isNew ? { name: v.name } : { groupKey: group.key }),
              ...(v.leaderName ? { leaderName: v.leaderName } : {}),
              members,
            });
            message.success(t("common.saved"));
            onClose(true);
          } catch (error) {
            message.error(errorMessage(error));
          }
        }}
      >
        {isNew ? (
          <Form.Item name="name" label={t("response.post.groupName")} rules={[{ required: true }]}>
            <Input maxLength={100} />
          </Form.Item>
        ) : null}
        <Form.Item name="leaderName" label={t("response.post.leader")}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="members" label={t("response.post.memberNames")}>
          <Input.TextArea rows={4} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The post: roles, announcement, groups, check-ins, handovers and cordons. */
export function CommandPostPanel({
  w,
  onChanged,
  onDrawCordon,
}: {
  w: Workspace;
  onChanged: () => void;
  onDrawCordon: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Group | "new">();
  const [checkinForm] = Form.useForm<{ kind: string; name: string; quantity?: number }>();
  const [handoverForm] = Form.useForm<{ roleId: string; toName: string; note?: string }>();
  const post = w.post;
  const canOperate = w.allowedActions.includes("operatePost");

  if (!post) {
    if (w.allowedActions.includes("createPost")) {
      return <CreatePostForm w={w} onDone={onChanged} />;
    }
    return <Empty description={t("response.post.none")} />;
  }
  const open = post.state === "active";

  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }} data-testid="post-panel">
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t("response.post.name")}>
          {post.name}{" "}
          {open ? null : <Tag>{t("response.post.closed", { at: formatDateTime(post.closedAt) })}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t("response.post.address")}>{post.address}</Descriptions.Item>
        {post.roles.map((r) => (
          <Descriptions.Item key={r.roleId} label={r.name}>
            {r.holderName}
            {r.phone ? `（${r.phone}）` : ""}
          </Descriptions.Item>
        ))}
        {post.contacts ? (
          <Descriptions.Item label={t("response.post.contacts")}>{post.contacts}</Descriptions.Item>
        ) : null}
      </Descriptions>

      <Card
        size="small"
        title={t("response.post.groups", { count: post.groups.length })}
        extra={
          canOperate && open ? (
            <Button size="small" onClick={() => setEditing("new")}>
              {t("response.post.addGroup")}
            </Button>
          ) : null
        }
      >
        <Table<Group>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={post.groups}
          data-testid="post-groups"
          columns={[
            { title: t("response.tasks.group"), dataIndex: "name", width: 120 },
            {
              title: t("response.post.lead"),
              key: "lead",
              render: (_, g) =>
                [
                  ...new Set(
                    g.lead.flatMap((x) => (x.units.length > 0 ? x.units.map((u) => u.name) : [x.label])),
                  ),
                ].join("、"),
            },
            {
              title: t("response.post.leader"),
              dataIndex: "leaderName",
              width: 110,
              render: (v: string | null) => v ?? "—",
            },
            {
              title: t("response.post.members"),
              key: "members",
              render: (_, g) => g.members.map((m) => m.name).join("、") || "—",
            },
            ...(canOperate && open
              ? [
                  {
                    title: "",
                    key: "edit",
                    width: 64,
                    render: (_: unknown, g: Group) => (
                      <Button size="small" type="link" onClick={() => setEditing(g)}>
                        {t("response.post.editGroup")}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>

      <Card
        size="small"
        title={t("response.post.announcement")}
        extra={
          <Button
            size="small"
            icon={<CopyOutlined />}
            onClick={() =>
              navigator.clipboard
                .writeText(post.announcement)
                .then(() => message.success(t("common.copied")))
                .catch(() => message.error(t("common.copyFailed")))
            }
          >
            {t("response.post.copyAnnouncement")}
          </Button>
        }
      >
        <Typography.Paragraph className="fh-announcement">{post.announcement}</Typography.Paragraph>
      </Card>

      <Card size="small" title={t("response.post.checkins", { count: post.checkins.length })}>
        {canOperate && open ? (
          <Form
            form={checkinForm}
            layout="inline"
            initialValues={{ kind: "team" }}
            className="fh-inline-form"
            onFinish={async (v) => {
              try {
                await responseApi.checkin(post.id, {
                  kind: v.kind,
                  name: v.name,
                  ...(v.quantity !== undefined && v.quantity !== null ? { quantity: v.quantity } : {}),
                });
                checkinForm.resetFields(["name", "quantity"]);
                onChanged();
              } catch (error) {
                message.error(errorMessage(error));
              }
            }}
          >
            <Form.Item name="kind">
              <Select
                style={{ width: 90 }}
                options={CHECKIN_KINDS.map((k) => ({ value: k, label: t(`response.checkinKinds.${k}`) }))}
              />
            </Form.Item>
            <Form.Item name="name" rules={[{ required: true, message: t("response.post.checkinName") }]}>
              <Input placeholder={t("response.post.checkinName")} style={{ width: 200 }} maxLength={100} />
            </Form.Item>
            <Form.Item name="quantity">
              <InputNumber placeholder={t("response.post.quantity")} min={0} style={{ width: 110 }} />
            </Form.Item>
            <Button htmlType="submit">{t("response.post.checkin")}</Button>
          </Form>
        ) : null}
        <SimpleList
          items={post.checkins}
          empty={t("response.resources.none")}
          rowKey={(c) => c.id}
          render={(c) => (
            <>
              <Space wrap>
                <Tag>{t(`response.checkinKinds.${c.kind}` as "response.checkinKinds.team")}</Tag>
                <span>{c.name}</span>
                {c.quantity !== null ? <span>× {c.quantity}</span> : null}
                {c.unitName ? <Typography.Text type="secondary">{c.unitName}</Typography.Text> : null}
                <Typography.Text type="secondary">{formatDateTime(c.at)}</Typography.Text>
              </Space>
            </>
          )}
        />
      </Card>

      <Card
        size="small"
        title={t("response.post.cordons", { count: post.cordons.length })}
        extra={
          canOperate && open ? (
            <Button size="small" onClick={onDrawCordon}>
              {t("response.post.drawCordon")}
            </Button>
          ) : null
        }
      >
        <SimpleList
          items={post.cordons}
          empty={t("response.resources.none")}
          rowKey={(c) => c.id}
          render={(c) => (
            <>
              <Space>
                <Tag color={c.kind === "core" ? "red" : "orange"}>
                  {t(`response.cordonKinds.${c.kind}` as "response.cordonKinds.core")}
                </Tag>
                {c.name}
                <Typography.Text type="secondary">{formatDateTime(c.createdAt)}</Typography.Text>
              </Space>
            </>
          )}
        />
      </Card>

      <Card size="small" title={t("response.post.handovers")}>
        {canOperate && open ? (
          <Form
            form={handoverForm}
            layout="inline"
            className="fh-inline-form"
            initialValues={{ roleId: post.roles[0]?.roleId }}
            onFinish={async (v) => {
              try {
                await responseApi.handover(post.id, {
                  roleId: v.roleId,
                  toName: v.toName,
                  ...(v.note ? { note: v.note } : {}),
                });
                handoverForm.resetFields(["toName", "note"]);
                onChanged();
              } catch (error) {
                message.error(errorMessage(error));
              }
            }}
          >
            <Form.Item name="roleId">
              <Select
                style={{ width: 120 }}
                options={w.plan.postRoles.map((r) => ({ value: r.id, label: r.name }))}
              />
            </Form.Item>
            <Form.Item name="toName" rules={[{ required: true, message: t("response.post.toName") }]}>
              <Input placeholder={t("response.post.toName")} style={{ width: 150 }} maxLength={100} />
            </Form.Item>
            <Form.Item name="note">
              <Input placeholder={t("response.post.note")} style={{ width: 180 }} maxLength={500} />
            </Form.Item>
            <Button htmlType="submit">{t("response.post.handover")}</Button>
          </Form>
        ) : null}
        <SimpleList
          items={post.handovers}
          empty={t("response.resources.none")}
          rowKey={(h) => h.id}
          render={(h) => (
            <>
              {formatDateTime(h.at)}　{w.plan.postRoles.find((r) => r.id === h.roleId)?.name ?? h.roleId}：
              {h.fromName ?? "—"} → {h.toName}
              {h.note ? `（${h.note}）` : ""}
            </>
          )}
        />
      </Card>
      {editing ? (
        <GroupModal
          post={post}
          group={editing}
          onClose={(saved) => {
            setEditing(undefined);
            if (saved) {
              onChanged();
            }
          }}
        />
      ) : null}
    </Space>
  );
}

/** Asks for the name and kind of a cordon just drawn, then saves it. */
export function CordonModal({
  postId,
  points,
  onClose,
}: {
  postId: string;
  points: [number, number][];
  onClose: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ kind: string; name: string }>();
  const closed = points.length >= 3;
  return (
    <Modal
      open
      title={t("response.post.drawCordon")}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: "core", name: t("response.cordonKinds.core") }}
        onValuesChange={(changed: { kind?: string }) => {
          if (changed.kind) {
            form.setFieldValue(
              "name",
              t(`response.cordonKinds.${changed.kind}` as "response.cordonKinds.core"),
            );
          }
        }}
        onFinish={async (v) => {
          const first = points[0];
          const geometry =
            closed && first
              ? { type: "Polygon", coordinates: [[...points, first]] }
              : { type: "LineString", coordinates: points };
          try {
            await responseApi.cordon(postId, { kind: v.kind, name: v.name, geometry });
            message.success(t("response.post.cordonSaved"));
            onClose(true);
          } catch (error) {
            message.error(errorMessage(error));
          }
        }}
      >
        <Form.Item name="kind" label={t("response.post.cordonKind")}>
          <Select options={CORDON_KINDS.map((k) => ({ value: k, label: t(`response.cordonKinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t("response.post.cordonName")} rules={[{ required: true }]}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
