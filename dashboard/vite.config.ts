import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API serves dist/ at `/` with a CSP that forbids inline scripts and styles: Vite's output
// (module script + stylesheet links, hashed names under /assets) needs neither.
export default defineConfig({
  plugins: [react()],
  build: {
    manifest: true,
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // The module-preload polyfill is an inline-free module here, but it is not needed by the
    // browsers we support (all ship modulepreload).
    modulePreload: { polyfill: false },
  },
});
