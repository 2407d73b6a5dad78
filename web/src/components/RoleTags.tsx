import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import { roleLabel } from "../lib/labels.js";

export function RoleTags({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <span className="fh-tags">
      {roles.map((role) => (
        <Tag key={role} color="blue" variant="outlined">
          {roleLabel(t, role)}
        </Tag>
      ))}
    </span>
  );
}
