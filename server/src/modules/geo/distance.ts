import { distance } from "@turf/turf";

export interface LatLng {
  lat: number;
  lng: number;
}

/** Great-circle distance in metres (turf: haversine on the mean earth radius) — the one used everywhere. */
export function distanceMeters(a: LatLng, b: LatLng): number {
  return distance([a.lng, a.lat], [b.lng, b.lat], { units: "meters" });
}
