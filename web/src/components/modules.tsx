import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BookOutlined,
  FileSearchOutlined,
  MedicineBoxOutlined,
  PhoneOutlined,
  SettingOutlined,
  ThunderboltOutlined,
} from "@ant-design/icons";
import type { ReactNode } from "react";

/** Modules not built yet; each gets a "建设中" page that names it. */
export const PLANNED_MODULES = ["duty", "warnings", "response", "resources", "risks", "plans"] as const;
export type PlannedModule = (typeof PLANNED_MODULES)[number];

export type ModuleKey = PlannedModule | "org" | "audit" | "admin";

export interface MenuEntry {
  key: ModuleKey;
  path: string;
  icon: ReactNode;
  children?: { key: "users" | "tokens"; path: string }[];
}

/** The left menu, in the order of the duty officer's day: desk first, administration last. */
export const MENU: MenuEntry[] = [
  { key: "duty", path: "/duty", icon: <PhoneOutlined /> },
  { key: "warnings", path: "/warnings", icon: <AlertOutlined /> },
  { key: "response", path: "/response", icon: <ThunderboltOutlined /> },
  { key: "resources", path: "/resources", icon: <MedicineBoxOutlined /> },
  { key: "risks", path: "/risks", icon: <FileSearchOutlined /> },
  { key: "plans", path: "/plans", icon: <BookOutlined /> },
  { key: "org", path: "/org", icon: <ApartmentOutlined /> },
  { key: "audit", path: "/audit", icon: <AuditOutlined /> },
  {
    key: "admin",
    path: "/admin",
    icon: <SettingOutlined />,
    children: [
      { key: "users", path: "/admin/users" },
      { key: "tokens", path: "/admin/tokens" },
    ],
  },
];
