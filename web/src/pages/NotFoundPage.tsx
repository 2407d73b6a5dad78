import { Button, Result } from "antd";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router";

export function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return (
    <Result
      status="404"
      title={t("common.notFound")}
      subTitle={t("common.notFoundDetail", { path: pathname })}
      extra={
        <Button type="primary" onClick={() => navigate("/")}>
          {t("common.backHome")}
        </Button>
      }
    />
  );
}
