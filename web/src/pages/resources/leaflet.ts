// Leaflet and its clustering plugin. leaflet.markercluster is a UMD script that extends the global
// `L`, so Leaflet is put on window before the plugin module is evaluated (imports run in order).
import L from "leaflet";
import "leaflet/dist/leaflet.css";

declare global {
  interface Window {
    L?: typeof L;
  }
}
window.L = L;

export default L;
