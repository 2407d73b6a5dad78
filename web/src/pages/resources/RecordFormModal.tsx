import { Alert, Col, Form, Modal, Row } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.js";
import { applyFieldErrors } from "../../lib/formErrors.js";
import type { RegistryDescription, ResourceRecord } from "./api.js";
import { fieldInput, fieldRules } from "./fields.js";

interface Props {
  registry: RegistryDescription;
  /** undefined = closed; { record: undefined } = create. */
  editing: { record: ResourceRecord | undefined } | undefined;
  onClose(): void;
  onSaved(record: ResourceRecord, created: boolean): void;
}

/** Create/edit form generated from the registry's field descriptions; server field errors land on their fields. */
export function RecordFormModal({ registry, editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Record<string, unknown>>();
  const [saving, setSaving] = useState(false);
  const [general, setGeneral] = useState<string[]>([]);
  const record = editing?.record;
  const fields = useMemo(() => registry.fields.filter((f) => !f.system), [registry]);

  useEffect(() => {
    if (!editing) {
      return;
    }
    form.resetFields();
    setGeneral([]);
    if (record) {
      form.setFieldsValue(Object.fromEntries(fields.map((f) => [f.key, record[f.key] ?? undefined])));
    } else {
      form.setFieldsValue(
        Object.fromEntries(
          fields.filter((f) => f.options && f.key === "status").map((f) => [f.key, f.options?.[0]?.value]),
        ),
      );
    }
  }, [editing, record, form, fields]);

  const submit = async () => {
    const values = await form.validateFields().catch(() => undefined);
    if (!values) {
      return;
    }
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const v = values[f.key];
      if (record) {
        const before = record[f.key] ?? null;
        const now = v === undefined || v === "" ? null : v;
        if (JSON.stringify(before) !== JSON.stringify(now) && !(f.required && now === null)) {
          body[f.key] = now;
        }
      } else if (v !== undefined && v !== null && v !== "") {
        body[f.key] = v;
      }
    }
    if (record && Object.keys(body).length === 0) {
      onClose();
      return;
    }
    setSaving(true);
    try {
      const saved = record
        ? await api.patch<ResourceRecord>(`/api/${registry.name}/${encodeURIComponent(record.id)}`, body)
        : await api.post<ResourceRecord>(`/api/${registry.name}`, body);
      onSaved(saved, record === undefined);
    } catch (error) {
      setGeneral(
        applyFieldErrors(
          form,
          error,
          fields.map((f) => f.key),
        ),
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={editing !== undefined}
      title={
        record
          ? t("resources.form.editTitle", { label: registry.label, name: record.name })
          : t("resources.form.createTitle", { label: registry.label })
      }
      width={760}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={saving}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      {general.length > 0 ? (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={general.join("；")} />
      ) : null}
      <Form form={form} layout="vertical" requiredMark onFinish={submit}>
        <Row gutter={16}>
          {fields.map((f) => (
            <Col
              key={f.key}
              xs={24}
              md={
                f.type === "list" || (f.type === "text" && (f.max ?? 0) > 500) || f.type === "unit" ? 24 : 12
              }
            >
              <Form.Item
                name={f.key}
                label={f.label}
                rules={fieldRules(f, t("resources.form.required"))}
                required={f.required && f.key !== "code"}
                extra={
                  f.key === "code" && !record
                    ? t("resources.form.codeHelp")
                    : f.type === "lat"
                      ? t("resources.form.pickOnMap")
                      : undefined
                }
              >
                {fieldInput(
                  f,
                  { list: t("resources.form.listPlaceholder"), unit: t("resources.form.unitPlaceholder") },
                  record && f.type === "unit" && record.ownerUnitId
                    ? { id: record.ownerUnitId, name: record.ownerUnitName ?? record.ownerUnitId }
                    : undefined,
                )}
              </Form.Item>
            </Col>
          ))}
        </Row>
        <button type="submit" hidden aria-hidden />
      </Form>
    </Modal>
  );
}
