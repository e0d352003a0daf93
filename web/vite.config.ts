/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The api serves the built app in run mode; during development Vite serves it and
// forwards the api's paths, so the browser only ever talks to one origin.
const apiUrl = process.env.MULTISTREAM_API_URL ?? "http://127.0.0.1:8470";

export default defineConfig({
  base: "/",
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/api": { target: apiUrl, changeOrigin: false },
      "/auth": { target: apiUrl, changeOrigin: false },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      "/api": { target: apiUrl, changeOrigin: false },
      "/auth": { target: apiUrl, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    // Pure modules run in node; component tests opt into jsdom with a docblock.
    environment: "node",
    restoreMocks: true,
  },
});
