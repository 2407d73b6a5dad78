import L from "leaflet";

/** Draws the shape being sketched (points as [lng, lat], GeoJSON order): a dashed line and its vertices. */
export function drawSketch(group: L.LayerGroup, points: readonly (readonly [number, number])[]): void {
  group.clearLayers();
  if (points.length === 0) {
    return;
  }
  const latlngs = points.map(([lng, lat]) => L.latLng(lat, lng));
  L.polyline(latlngs, { color: "#111827", dashArray: "4 4" }).addTo(group);
  for (const p of latlngs) {
    L.circleMarker(p, { radius: 4, color: "#111827" }).addTo(group);
  }
}
