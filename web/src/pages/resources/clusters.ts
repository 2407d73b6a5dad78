// Loaded after ./leaflet.js has set window.L (see there).
import "./leaflet.js";
import "leaflet.markercluster";
import "leaflet.markercluster/dist/MarkerCluster.css";
import "leaflet.markercluster/dist/MarkerCluster.Default.css";
