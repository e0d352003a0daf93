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
      // ws: the live class's event socket is under /api too.
      "/api": { target: apiUrl, changeOrigin: false, ws: true },
      "/auth": { target: apiUrl, changeOrigin: false },
      // Hosts re-run a failed replay's pipeline (`/internal/artifacts/runs/{id}/retry`).
      "/internal": { target: apiUrl, changeOrigin: false },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      "/api": { target: apiUrl, changeOrigin: false, ws: true },
      "/auth": { target: apiUrl, changeOrigin: false },
      "/internal": { target: apiUrl, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    // livekit-client is one ~530 kB chunk, loaded only by the studio and the classroom
    // when they connect to the media room; every other page stays without it.
    chunkSizeWarningLimit: 600,
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    // Pure modules run in node; component tests opt into jsdom with a docblock.
    environment: "node",
    setupFiles: ["src/testing/vitest-setup.ts"],
    restoreMocks: true,
    // A test may wait up to `asyncUtilTimeout` (5 s, vitest-setup.ts) in one `findBy`: on
    // a loaded 2-core machine the first test of a file also pays for importing its lazy
    // routes, so the default 5 s budget per test failed tests that pass in 0.4 s alone.
    testTimeout: 20_000,
  },
});
