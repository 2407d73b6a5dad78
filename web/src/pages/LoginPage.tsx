import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Flex, Form, Input, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { errorMessage } from "../api/client.js";
import { useSession } from "../auth/session.js";
import { ProductMark } from "../components/AppHeader.js";
import { LanguageSwitch } from "../components/LanguageSwitch.js";

interface LoginForm {
  username: string;
  password: string;
}

function redirectTarget(state: unknown): string {
  if (typeof state === "object" && state !== null && "from" in state && typeof state.from === "string") {
    return state.from.startsWith("/login") ? "/" : state.from;
  }
  return "/";
}

/** Sign-in: two fields, Enter submits, and the server's own message (wrong password, lockout) shown as is. */
export function LoginPage() {
  const { t } = useTranslation();
  const { state, login } = useSession();
  const location = useLocation();
  const [form] = Form.useForm<LoginForm>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    document.title = `${t("login.title")} · ${t("app.fullTitle")}`;
  }, [t]);

  if (state.status === "authenticated") {
    return <Navigate to={redirectTarget(location.state)} replace />;
  }

  const submit = async (values: LoginForm) => {
    setSubmitting(true);
    setError(undefined);
    try {
      await login(values.username.trim(), values.password);
    } catch (e) {
      setError(errorMessage(e));
      form.setFieldValue("password", "");
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Flex vertical className="fh-login">
      <Flex justify="flex-end" className="fh-login-top">
        <LanguageSwitch signedIn={false} />
      </Flex>
      <Flex flex={1} align="center" justify="center">
        <Card className="fh-login-card">
          <Flex vertical gap={4} style={{ marginBottom: 24 }}>
            <ProductMark />
            <Typography.Text type="secondary">{t("login.subtitle")}</Typography.Text>
          </Flex>
          {state.status === "anonymous" && state.expired && !error ? (
            <Alert type="info" showIcon title={t("login.sessionExpired")} style={{ marginBottom: 16 }} />
          ) : null}
          {error ? (
            <Alert
              type="error"
              showIcon
              title={error}
              role="alert"
              data-testid="login-error"
              style={{ marginBottom: 16 }}
            />
          ) : null}
          <Form<LoginForm> form={form} layout="vertical" requiredMark={false} onFinish={submit} size="large">
            <Form.Item
              name="username"
              label={t("login.username")}
              rules={[{ required: true, whitespace: true, message: t("login.usernameRequired") }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item
              name="password"
              label={t("login.password")}
              rules={[{ required: true, message: t("login.passwordRequired") }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={submitting}>
              {t("login.submit")}
            </Button>
            <Typography.Paragraph
              type="secondary"
              style={{ marginTop: 12, marginBottom: 0, textAlign: "center" }}
            >
              {t("login.hint")}
            </Typography.Paragraph>
          </Form>
        </Card>
      </Flex>
    </Flex>
  );
}
