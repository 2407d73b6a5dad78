import { Alert, App, Form, Input, Modal } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { MAX_PASSWORD_LENGTH } from "../../../shared/validation.js";
import { api } from "../api/client.js";
import { applyFieldErrors } from "../lib/formErrors.js";

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/**
 * 修改密码: the current password, the new one twice. The server's policy (length, mix, common
 * passwords) answers on the field it concerns; the user's other sessions and API tokens end.
 */
export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  useEffect(() => {
    if (open) {
      form.resetFields();
      setProblems([]);
    }
  }, [open, form]);

  const submit = async (values: PasswordForm) => {
    setSaving(true);
    setProblems([]);
    try {
      await api.post<void>("/api/me/password", {
        currentPassword: values.currentPassword,
        newPassword: values.newPassword,
      });
      message.success(t("password.changed"));
      onClose();
    } catch (error) {
      setProblems(applyFieldErrors(form, error, ["currentPassword", "newPassword"]));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("password.title")}
      okText={t("password.submit")}
      cancelText={t("common.cancel")}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {problems.length > 0 ? (
        <Alert type="error" showIcon title={problems.join("；")} style={{ marginBottom: 16 }} />
      ) : null}
      <Form<PasswordForm> form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="currentPassword"
          label={t("password.current")}
          rules={[{ required: true, message: t("password.currentRequired") }]}
        >
          <Input.Password autoFocus autoComplete="current-password" maxLength={MAX_PASSWORD_LENGTH} />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t("password.new")}
          extra={t("password.rule")}
          rules={[{ required: true, message: t("password.newRequired") }]}
        >
          <Input.Password autoComplete="new-password" maxLength={MAX_PASSWORD_LENGTH} />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t("password.confirm")}
          dependencies={["newPassword"]}
          rules={[
            { required: true, message: t("password.confirmRequired") },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || value === getFieldValue("newPassword")
                  ? Promise.resolve()
                  : Promise.reject(new Error(t("password.mismatch"))),
            }),
          ]}
        >
          {/* Enter in the last field submits the dialog (keyboard-only use). */}
          <Input.Password autoComplete="new-password" onPressEnter={() => form.submit()} />
        </Form.Item>
      </Form>
      <Alert type="info" showIcon title={t("password.effect")} />
    </Modal>
  );
}
