import { Alert, Form, Input, InputNumber, Modal, Steps, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.js";
import { useSession } from "../../auth/session.js";
import { UnitSelect } from "../../components/UnitSelect.js";
import { applyFieldErrors } from "../../lib/formErrors.js";
import type { Dispatch, RulePreview } from "./api.js";

export interface DispatchTarget {
  resourceType: "team" | "stock" | "equipment";
  resourceId: string;
  name: string;
  owningUnitId: string;
  /** Stock lines and equipment: how many there are to take. */
  available?: number;
  unit?: string;
  /** Where it is needed (from the map's incident point). */
  lat?: number;
  lng?: number;
  incidentId?: string;
}

interface FormValues {
  incidentId: string;
  quantity?: number;
  requestingUnitId?: string;
  destination?: string;
  note?: string;
}

/**
 * Requests a dispatch linked to an incident. Before submitting it shows the approval chain the plan
 * requires for this pair of units (000 §6.7), so nobody is surprised by a committee-leader step.
 */
export function DispatchModal({
  target,
  onClose,
  onDone,
}: {
  target: DispatchTarget | undefined;
  onClose(): void;
  onDone(d: Dispatch): void;
}) {
  const { t } = useTranslation();
  const session = useSession();
  const me = session.state.status === "authenticated" ? session.state.user : undefined;
  const [form] = Form.useForm<FormValues>();
  const [requesting, setRequesting] = useState<string | undefined>(undefined);
  const [rule, setRule] = useState<RulePreview | undefined>(undefined);
  const [general, setGeneral] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (target) {
      form.resetFields();
      form.setFieldsValue({
        incidentId: target.incidentId ?? "",
        quantity: target.resourceType === "team" ? undefined : 1,
      });
      setRequesting(undefined);
      setGeneral([]);
    }
  }, [target, form]);

  const requestingUnit = requesting ?? me?.unitId;
  useEffect(() => {
    setRule(undefined);
    if (!target || !requestingUnit) {
      return;
    }
    api
      .get<RulePreview>("/api/dispatches/rule", {
        requestingUnitId: requestingUnit,
        owningUnitId: target.owningUnitId,
        // Teams follow 000 §6.2's team rule, not the §6.7 supplies chain.
        ...(target.resourceType === "team" ? { teamId: target.resourceId } : {}),
      })
      .then(setRule)
      .catch(() => setRule(undefined));
  }, [target, requestingUnit]);

  const submit = async () => {
    if (!target) {
      return;
    }
    // Invalid fields show their messages; nothing else to do (no unhandled rejection).
    const v = await form.validateFields().catch(() => undefined);
    if (!v) {
      return;
    }
    setSaving(true);
    setGeneral([]);
    try {
      const d = await api.post<Dispatch>("/api/dispatches", {
        incidentId: v.incidentId.trim(),
        resourceType: target.resourceType,
        resourceId: target.resourceId,
        ...(target.resourceType !== "team" && v.quantity ? { quantity: v.quantity } : {}),
        ...(requesting ? { requestingUnitId: requesting } : {}),
        ...(v.destination ? { destination: v.destination } : {}),
        ...(target.lat !== undefined && target.lng !== undefined ? { lat: target.lat, lng: target.lng } : {}),
        ...(v.note ? { note: v.note } : {}),
      });
      onDone(d);
    } catch (error) {
      setGeneral(applyFieldErrors(form, error, ["incidentId", "quantity", "destination", "note"]));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={target !== undefined}
      title={target ? t("resources.dispatch.createTitle", { name: target.name }) : ""}
      okText={t("resources.dispatch.submit")}
      cancelText={t("common.cancel")}
      confirmLoading={saving}
      onOk={submit}
      onCancel={onClose}
      width={640}
      destroyOnHidden
    >
      {general.length > 0 ? (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={general.join("；")} />
      ) : null}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="incidentId"
          label={t("resources.dispatch.incident")}
          rules={[{ required: true, whitespace: true, message: t("resources.form.required") }]}
        >
          <Input placeholder={t("resources.dispatch.incidentPlaceholder")} autoFocus />
        </Form.Item>
        {target && target.resourceType !== "team" ? (
          <Form.Item
            name="quantity"
            label={`${t("resources.dispatch.quantity")}${target.available !== undefined ? `（≤ ${target.available} ${target.unit ?? ""}）` : ""}`}
            rules={[{ required: true, message: t("resources.form.required") }]}
          >
            <InputNumber min={1} precision={0} style={{ width: 200 }} />
          </Form.Item>
        ) : null}
        <Form.Item
          label={t("resources.dispatch.requestingUnit")}
          extra={t("resources.dispatch.requestingUnitHelp")}
        >
          <UnitSelect
            allowClear
            value={requesting}
            onChange={setRequesting}
            placeholder={me?.unitName ?? t("resources.form.unitPlaceholder")}
          />
        </Form.Item>
        <Form.Item name="destination" label={t("resources.dispatch.destination")}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="note" label={t("resources.dispatch.note")}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={2000} />
        </Form.Item>
        <button type="submit" hidden aria-hidden />
      </Form>
      {rule ? (
        <div className="fh-res-rule">
          <Typography.Text strong>
            {t("resources.dispatch.rule")}：{rule.name} <Tag>{rule.source}</Tag>
          </Typography.Text>
          <Steps
            size="small"
            orientation="vertical"
            current={-1}
            items={rule.steps.map((s) => ({ title: s.name, content: s.by.join("；或 ") }))}
          />
          {rule.gap ? (
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {rule.gap}
            </Typography.Paragraph>
          ) : null}
        </div>
      ) : null}
    </Modal>
  );
}
