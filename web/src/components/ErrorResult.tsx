import { Button, Result } from "antd";
import { useTranslation } from "react-i18next";
import { ApiError, errorMessage } from "../api/client.js";

/** A failed load shown in place of the content: the server's own words, and what role is needed. */
export function ErrorResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <Result
      status={forbidden ? "403" : "error"}
      title={
        forbidden ? t("common.forbidden") : error instanceof ApiError ? error.title : errorMessage(error)
      }
      subTitle={errorMessage(error)}
      extra={
        onRetry && !forbidden ? (
          <Button type="primary" onClick={onRetry}>
            {t("common.retry")}
          </Button>
        ) : undefined
      }
    />
  );
}
