import { Navigate, type RouteObject } from "react-router";
import { DispatchesPage } from "./DispatchesPage.js";
import { MapPage } from "./MapPage.js";
import { RegistryPage } from "./RegistryPage.js";
import { ResourcesLayout } from "./ResourcesLayout.js";
import { StockPage } from "./StockPage.js";

/** Routes of 应急资源 under /resources (registered in web/src/router.tsx). */
export const resourcesRoute: RouteObject = {
  path: "resources",
  element: <ResourcesLayout />,
  children: [
    { index: true, element: <Navigate to="/resources/map" replace /> },
    { path: "map", element: <MapPage /> },
    { path: "stock", element: <StockPage /> },
    { path: "dispatches", element: <DispatchesPage /> },
    { path: "dispatches/:id", element: <DispatchesPage /> },
    ...(["teams", "experts", "warehouses", "supplies", "agreements", "shelters", "equipment"] as const).map(
      (name) => ({
        path: name,
        element: <RegistryPage key={name} name={name} />,
      }),
    ),
  ],
};
