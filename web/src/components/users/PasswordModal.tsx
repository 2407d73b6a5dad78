import { Alert, Form, Input, Modal } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.js";
import type { User } from "../../api/types.js";
import { applyFieldErrors } from "../../lib/formErrors.js";
import { MIN_PASSWORD_LENGTH } from "../../lib/userRules.js";

interface PasswordModalProps {
  user: User | undefined;
  onClose(): void;
  onDone(user: User): void;
}

/** Sets a new password for someone else; the server also ends their sessions and clears a lockout. */
export function PasswordModal({ user, onClose, onDone }: PasswordModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string }>();
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  useEffect(() => {
    if (user) {
      form.resetFields();
      setProblems([]);
    }
  }, [user, form]);

  const submit = async ({ password }: { password: string }) => {
    if (!user) {
      return;
    }
    setSaving(true);
    try {
      await api.post<void>(`/api/users/${encodeURIComponent(user.id)}/password`, { password });
      onDone(user);
    } catch (error) {
      setProblems(applyFieldErrors(form, error, ["password"]));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={user !== undefined}
      title={user ? t("users.resetPasswordTitle", { name: user.displayName }) : ""}
      okText={t("users.resetPassword")}
      cancelText={t("common.cancel")}
      okButtonProps={{ danger: true }}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {problems.length > 0 ? (
        <Alert type="error" showIcon title={problems.join("；")} style={{ marginBottom: 16 }} />
      ) : null}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="password"
          label={t("users.newPassword")}
          extra={t("users.passwordHelp", { min: MIN_PASSWORD_LENGTH })}
          rules={[
            { required: true, message: t("users.required") },
            { min: MIN_PASSWORD_LENGTH, message: t("users.passwordHelp", { min: MIN_PASSWORD_LENGTH }) },
          ]}
        >
          <Input.Password autoFocus autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
