/**
 * Warning areas drawn on a map (issue 5 §2): GeoJSON polygons and circles (a Point with
 * `properties.radiusKm`, GeoJSON having no circle). Pure checks with @turf/turf; the caller names the
 * field prefix so a 400 says exactly which shape is wrong.
 */
import { booleanPointInPolygon, booleanWithin, circle, kinks, point, polygon } from "@turf/turf";
import type { Feature, Polygon, Position } from "geojson";
import { MAX_AREA_SHAPES, MAX_CIRCLE_RADIUS_KM, MAX_POLYGON_VERTICES } from "../../../../shared/warnings.js";
import type { FieldError } from "../../errors.js";
import { distanceMeters } from "./distance.js";
import type { DistrictOutline } from "./district.js";

export interface PolygonShape {
  type: "Feature";
  properties?: { label?: string } | null;
  geometry: { type: "Polygon"; coordinates: number[][][] };
}

export interface CircleShape {
  type: "Feature";
  properties: { radiusKm: number; label?: string };
  geometry: { type: "Point"; coordinates: number[] };
}

export type AreaShape = PolygonShape | CircleShape;

const validPosition = (p: number[]): boolean =>
  p.length === 2 &&
  Number.isFinite(p[0]) &&
  Number.isFinite(p[1]) &&
  Math.abs(p[0] ?? 0) <= 180 &&
  Math.abs(p[1] ?? 0) <= 90;

const isNumberArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((n) => typeof n === "number");

/**
 * Structural check of GeoJSON features before any geometry: Polygon coordinates are number[][][],
 * a circle is a Point with `properties.radiusKm`. Returns the typed shapes or the problems found.
 */
export function parseShapes(
  features: readonly unknown[],
  prefix = "area.features",
): { shapes: AreaShape[]; errors: FieldError[] } {
  const shapes: AreaShape[] = [];
  const errors: FieldError[] = [];
  features.forEach((raw, i) => {
    const at = `${prefix}.${i}`;
    const f = raw as {
      geometry?: { type?: string; coordinates?: unknown };
      properties?: { radiusKm?: unknown } | null;
    };
    const type = f.geometry?.type;
    const coords = f.geometry?.coordinates;
    if (type === "Polygon") {
      if (
        !Array.isArray(coords) ||
        !coords.every((ring) => Array.isArray(ring) && ring.every(isNumberArray))
      ) {
        errors.push({ path: `${at}.geometry.coordinates`, message: "多边形坐标应为 [[[经度, 纬度], …]]" });
        return;
      }
      shapes.push(raw as PolygonShape);
      return;
    }
    if (type === "Point") {
      if (!isNumberArray(coords)) {
        errors.push({ path: `${at}.geometry.coordinates`, message: "圆心坐标应为 [经度, 纬度]" });
        return;
      }
      if (typeof f.properties?.radiusKm !== "number") {
        errors.push({ path: `${at}.properties.radiusKm`, message: "圆形区域必须给出半径（公里）" });
        return;
      }
      shapes.push(raw as CircleShape);
      return;
    }
    errors.push({
      path: `${at}.geometry.type`,
      message: "只支持 Polygon（多边形）和 Point + radiusKm（圆形）",
    });
  });
  return { shapes, errors };
}

/** Checks one polygon: one ring, ≥4 positions, closed, ≤100 positions, no self-intersection, inside. */
function checkPolygon(shape: PolygonShape, at: string, outline: DistrictOutline): FieldError[] {
  const rings = shape.geometry.coordinates;
  const where = `${at}.geometry.coordinates`;
  if (rings.length !== 1) {
    return [{ path: where, message: "多边形只能有一个外环，不支持内洞（CAP 多边形无内洞）" }];
  }
  const ring = rings[0] ?? [];
  const bad = ring.findIndex((p) => !validPosition(p));
  if (bad >= 0) {
    return [{ path: `${where}.0.${bad}`, message: "坐标应为 [经度, 纬度]，经度 −180~180，纬度 −90~90" }];
  }
  if (ring.length < 4) {
    return [{ path: where, message: "多边形至少需要 3 个顶点（4 个坐标，首尾相同）" }];
  }
  const first = ring[0] ?? [];
  const last = ring[ring.length - 1] ?? [];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return [{ path: where, message: "多边形未闭合：最后一个坐标必须与第一个相同" }];
  }
  if (ring.length > MAX_POLYGON_VERTICES) {
    return [
      {
        path: where,
        message: `多边形有 ${ring.length} 个坐标点，超过 ${MAX_POLYGON_VERTICES} 个的上限（CAP 要求），请简化`,
      },
    ];
  }
  const poly = polygon(rings as Position[][]);
  const crossings = kinks(poly).features;
  if (crossings.length > 0) {
    const c = crossings[0]?.geometry.coordinates ?? [];
    return [
      {
        path: where,
        message: `多边形自相交（边在 ${c.map((n) => n.toFixed(5)).join(", ")} 处交叉），请重新绘制`,
      },
    ];
  }
  if (!booleanWithin(poly, outline.tolerant())) {
    return [{ path: where, message: `多边形超出${outline.name}辖区范围` }];
  }
  return [];
}

function checkCircle(shape: CircleShape, at: string, outline: DistrictOutline): FieldError[] {
  const center = shape.geometry.coordinates;
  if (!validPosition(center)) {
    return [{ path: `${at}.geometry.coordinates`, message: "圆心坐标应为 [经度, 纬度]" }];
  }
  const r = shape.properties.radiusKm;
  if (!(r > 0) || r > MAX_CIRCLE_RADIUS_KM) {
    return [
      { path: `${at}.properties.radiusKm`, message: `半径应大于 0 且不超过 ${MAX_CIRCLE_RADIUS_KM} 公里` },
    ];
  }
  if (!booleanPointInPolygon(point(center), outline.tolerant())) {
    return [{ path: `${at}.geometry.coordinates`, message: `圆心不在${outline.name}辖区内` }];
  }
  if (!booleanWithin(circleAsPolygon(shape), outline.tolerant())) {
    return [
      { path: `${at}.properties.radiusKm`, message: `圆形区域超出${outline.name}辖区范围，请缩小半径` },
    ];
  }
  return [];
}

/** A circle as a 32-sided polygon (for containment tests; CAP keeps the circle itself). */
export function circleAsPolygon(shape: CircleShape): Feature<Polygon> {
  return circle(shape.geometry.coordinates, shape.properties.radiusKm, { steps: 32, units: "kilometers" });
}

/** Every problem of the drawn shapes, each naming its field (`area.features.2.geometry.coordinates`). */
export function validateShapes(
  shapes: AreaShape[],
  outline: DistrictOutline,
  prefix = "area.features",
): FieldError[] {
  if (shapes.length > MAX_AREA_SHAPES) {
    return [{ path: prefix, message: `最多 ${MAX_AREA_SHAPES} 个图形` }];
  }
  return shapes.flatMap((shape, i) =>
    shape.geometry.type === "Polygon"
      ? checkPolygon(shape as PolygonShape, `${prefix}.${i}`, outline)
      : checkCircle(shape as CircleShape, `${prefix}.${i}`, outline),
  );
}

/** A point test for the shapes, prepared once for testing many points (targeting subscribers). */
export function compileShapes(shapes: AreaShape[]): (lon: number, lat: number) => boolean {
  const tests = shapes.map((s) => {
    if (s.geometry.type === "Polygon") {
      const geometry = s.geometry as Polygon;
      return (lon: number, lat: number) => booleanPointInPolygon([lon, lat], geometry);
    }
    const c = s as CircleShape;
    const [cx = 0, cy = 0] = c.geometry.coordinates;
    return (lon: number, lat: number) => distanceKmOf(cx, cy, lon, lat) <= c.properties.radiusKm;
  });
  return (lon, lat) => tests.some((t) => t(lon, lat));
}

/** [minLon, minLat, maxLon, maxLat] of one shape. */
export function shapeBbox(shape: AreaShape): [number, number, number, number] {
  const ring =
    shape.geometry.type === "Polygon"
      ? (shape.geometry.coordinates[0] ?? [])
      : (circleAsPolygon(shape as CircleShape).geometry.coordinates[0] ?? []);
  const xs = ring.map((p) => p[0] ?? 0);
  const ys = ring.map((p) => p[1] ?? 0);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Distance in km between two points given as lon/lat (the circle test of warning areas). */
function distanceKmOf(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return distanceMeters({ lat: lat1, lng: lon1 }, { lat: lat2, lng: lon2 }) / 1000;
}
