import { ToolOutlined } from "@ant-design/icons";
import { Card, Result, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { PlannedModule } from "../components/modules.js";
import { PageHeader } from "../components/PageHeader.js";

/** A module that is not built yet says so plainly, by name, instead of showing an empty screen. */
export function UnderConstructionPage({ module }: { module: PlannedModule }) {
  const { t } = useTranslation();
  const name = t(`modules.${module}`);
  return (
    <>
      <PageHeader title={name} />
      <Card>
        <Result
          icon={<ToolOutlined />}
          title={t("placeholder.title", { module: name })}
          subTitle={t("placeholder.body", { module: name })}
          extra={
            <Typography.Paragraph type="secondary" style={{ maxWidth: 560, margin: "0 auto" }}>
              {t("placeholder.planned", { description: t(`moduleDescriptions.${module}`) })}
            </Typography.Paragraph>
          }
        />
      </Card>
    </>
  );
}
