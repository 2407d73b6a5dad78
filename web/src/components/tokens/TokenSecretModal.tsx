import { CopyOutlined } from "@ant-design/icons";
import { Alert, App, Button, Modal, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { CreatedApiToken } from "../../api/types.js";

/** The only time the secret is ever shown: a warning, the token, and an explicit copy button. */
export function TokenSecretModal({
  token,
  onClose,
}: {
  token: CreatedApiToken | undefined;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();

  const copy = async () => {
    if (!token) {
      return;
    }
    try {
      await navigator.clipboard.writeText(token.token);
      message.success(t("common.copied"));
    } catch {
      message.error(t("common.copyFailed"));
    }
  };

  return (
    <Modal
      open={token !== undefined}
      title={t("tokens.createdTitle")}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={[
        <Button key="copy" type="primary" icon={<CopyOutlined />} onClick={() => void copy()}>
          {t("common.copy")}
        </Button>,
        <Button key="close" onClick={onClose}>
          {t("common.close")}
        </Button>,
      ]}
    >
      <Alert type="warning" showIcon title={t("tokens.createdOnce")} style={{ marginBottom: 16 }} />
      <Typography.Text strong>{token?.name}</Typography.Text>
      <code className="fh-token-secret fh-mono" data-testid="token-secret">
        {token?.token}
      </code>
    </Modal>
  );
}
