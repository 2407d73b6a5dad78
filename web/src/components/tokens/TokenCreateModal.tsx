import { Alert, Checkbox, Form, Input, Modal, Select } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.js";
import type { CreatedApiToken } from "../../api/types.js";
import { applyFieldErrors } from "../../lib/formErrors.js";

interface TokenForm {
  name: string;
  scopes: string[];
  lifetimeDays: number;
}

/** Lifetimes offered; the server refuses (400 on expiresAt) past its FENGHUO_TOKEN_MAX_DAYS. */
const LIFETIMES = [7, 30, 90];
const DAY = 24 * 3600_000;

export function TokenCreateModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(token: CreatedApiToken): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TokenForm>();
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  // Reset as the dialog opens (not after its animation), so nothing typed meanwhile is lost.
  useEffect(() => {
    if (open) {
      form.resetFields();
      setProblems([]);
    }
  }, [open, form]);

  const submit = async (values: TokenForm) => {
    setSaving(true);
    setProblems([]);
    try {
      onCreated(
        await api.post<CreatedApiToken>("/api/tokens", {
          name: values.name.trim(),
          scopes: values.scopes,
          expiresAt: new Date(Date.now() + values.lifetimeDays * DAY).toISOString(),
        }),
      );
    } catch (error) {
      setProblems(applyFieldErrors(form, error, ["name", "scopes"]));
      // The server names the expiry "expiresAt"; the form asks for a lifetime.
      if (error instanceof ApiError && error.errors?.some((e) => e.path === "expiresAt")) {
        form.setFields([
          {
            name: "lifetimeDays",
            errors: error.errors.filter((e) => e.path === "expiresAt").map((e) => e.message),
          },
        ]);
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("tokens.create")}
      okText={t("common.create")}
      cancelText={t("common.cancel")}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {problems.length > 0 ? (
        <Alert type="error" showIcon title={problems.join("；")} style={{ marginBottom: 16 }} />
      ) : null}
      <Form<TokenForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ scopes: ["read"], lifetimeDays: 90 }}
      >
        <Form.Item
          name="name"
          label={t("tokens.name")}
          rules={[{ required: true, whitespace: true, max: 64, message: t("users.required") }]}
        >
          <Input autoFocus placeholder={t("tokens.namePlaceholder")} />
        </Form.Item>
        <Form.Item
          name="scopes"
          label={t("tokens.scopes")}
          rules={[{ required: true, message: t("users.required") }]}
        >
          <Checkbox.Group
            options={[
              { value: "read", label: t("tokens.scopeRead") },
              { value: "write", label: t("tokens.scopeWrite") },
            ]}
          />
        </Form.Item>
        <Form.Item name="lifetimeDays" label={t("tokens.lifetime")} extra={t("tokens.lifetimeHelp")}>
          <Select
            options={LIFETIMES.map((days) => ({ value: days, label: t("tokens.lifetimeDays", { days }) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
