import { Alert, Form, Input, Modal, Select } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ROLES } from "../../../../shared/roles.js";
import { api } from "../../api/client.js";
import type { CreateUserInput, UpdateUserInput, User } from "../../api/types.js";
import { usePlanCategories } from "../../hooks/usePlanCategories.js";
import { applyFieldErrors } from "../../lib/formErrors.js";
import { roleLabel } from "../../lib/labels.js";
import { MIN_PASSWORD_LENGTH, PHONE_REGEX, USERNAME_REGEX } from "../../lib/userRules.js";
import { UnitSelect } from "../UnitSelect.js";

interface UserFormValues {
  username: string;
  displayName: string;
  unitId: string;
  roles: string[];
  categories?: string[];
  phone?: string;
  password: string;
}

const FIELDS = ["username", "displayName", "unitId", "roles", "categories", "phone", "password"] as const;
/** Only a district leader is in charge of event categories (plan profile: in_charge_of_category). */
const LEADER_ROLE = "district_leader";

interface UserFormModalProps {
  /** The user being edited; undefined creates a new one. */
  user: User | undefined;
  open: boolean;
  onClose(): void;
  onSaved(user: User): void;
}

export function UserFormModal({ user, open, onClose, onSaved }: UserFormModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<UserFormValues>();
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const { categories, fallback } = usePlanCategories();
  const roles = Form.useWatch("roles", form) ?? [];
  const isLeader = roles.includes(LEADER_ROLE);
  const editing = user !== undefined;

  useEffect(() => {
    if (!open) {
      return;
    }
    setProblems([]);
    form.resetFields();
    if (user) {
      form.setFieldsValue({
        displayName: user.displayName,
        unitId: user.unitId,
        roles: user.roles,
        categories: user.categories,
        phone: user.phone ?? "",
      });
    }
  }, [open, user, form]);

  const submit = async (values: UserFormValues) => {
    setSaving(true);
    setProblems([]);
    const chosenCategories = isLeader ? (values.categories ?? []) : [];
    try {
      let saved: User;
      if (user) {
        const patch: UpdateUserInput = {
          displayName: values.displayName.trim(),
          unitId: values.unitId,
          roles: values.roles,
          categories: chosenCategories,
          phone: values.phone?.trim() ? values.phone.trim() : null,
        };
        saved = await api.patch<User>(`/api/users/${encodeURIComponent(user.id)}`, patch);
      } else {
        const input: CreateUserInput = {
          username: values.username.trim(),
          displayName: values.displayName.trim(),
          unitId: values.unitId,
          roles: values.roles,
          ...(chosenCategories.length > 0 ? { categories: chosenCategories } : {}),
          ...(values.phone?.trim() ? { phone: values.phone.trim() } : {}),
          password: values.password,
        };
        saved = await api.post<User>("/api/users", input);
      }
      onSaved(saved);
    } catch (error) {
      setProblems(applyFieldErrors(form, error, FIELDS));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={user ? t("users.editTitle", { name: user.displayName }) : t("users.createTitle")}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      mask={{ closable: false }}
      width={560}
    >
      {problems.length > 0 ? (
        <Alert
          type="error"
          showIcon
          title={problems.join("；")}
          style={{ marginBottom: 16 }}
          data-testid="form-error"
        />
      ) : null}
      <Form<UserFormValues> form={form} layout="vertical" onFinish={submit} requiredMark autoComplete="off">
        {editing ? null : (
          <Form.Item
            name="username"
            label={t("users.username")}
            rules={[
              { required: true, message: t("users.required") },
              { pattern: USERNAME_REGEX, message: t("users.usernameRule") },
            ]}
          >
            <Input autoFocus autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item
          name="displayName"
          label={t("users.displayName")}
          rules={[{ required: true, whitespace: true, max: 64, message: t("users.required") }]}
        >
          <Input autoFocus={editing} />
        </Form.Item>
        <Form.Item
          name="unitId"
          label={t("users.unit")}
          rules={[{ required: true, message: t("users.required") }]}
        >
          <UnitSelect
            placeholder={t("users.unitPlaceholder")}
            initial={user ? { id: user.unitId, name: user.unitName } : undefined}
          />
        </Form.Item>
        <Form.Item
          name="roles"
          label={t("users.roles")}
          rules={[{ required: true, message: t("users.required") }]}
        >
          <Select<string[]>
            mode="multiple"
            placeholder={t("users.rolesPlaceholder")}
            options={ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }))}
            showSearch={{ optionFilterProp: "label" }}
          />
        </Form.Item>
        {isLeader ? (
          <Form.Item
            name="categories"
            label={t("users.categories")}
            extra={fallback ? t("users.categoriesFallback") : t("users.categoriesHelp")}
          >
            <Select<string[]> mode="multiple" options={categories.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        ) : null}
        <Form.Item
          name="phone"
          label={t("users.phone")}
          rules={[{ pattern: PHONE_REGEX, message: t("users.phoneRule") }]}
        >
          <Input autoComplete="off" inputMode="tel" />
        </Form.Item>
        {editing ? null : (
          <Form.Item
            name="password"
            label={t("users.password")}
            extra={t("users.passwordHelp", { min: MIN_PASSWORD_LENGTH })}
            rules={[
              { required: true, message: t("users.required") },
              { min: MIN_PASSWORD_LENGTH, message: t("users.passwordHelp", { min: MIN_PASSWORD_LENGTH }) },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
