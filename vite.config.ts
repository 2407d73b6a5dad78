import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/** The web app lives in web/ and builds into dist/web, which the server serves (server/src/config.ts). */
export default defineConfig({
  root: path.join(repoRoot, "web"),
  plugins: [react()],
  build: {
    outDir: path.join(repoRoot, "dist", "web"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      "/api": { target: "http://localhost:8080", changeOrigin: false },
    },
  },
});
