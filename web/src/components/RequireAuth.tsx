import { Flex, Spin } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { useSession } from "../auth/session.js";

/** Sends anyone without a session to the login page, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const location = useLocation();
  if (state.status === "loading") {
    return (
      <Flex align="center" justify="center" style={{ height: "100vh" }}>
        <Spin size="large" description={t("common.loading")} />
      </Flex>
    );
  }
  if (state.status === "anonymous") {
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return children;
}
