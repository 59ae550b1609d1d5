/**
 * Builds the dashboard into dashboard/dist, which `spiral serve` serves at `/` (DEFAULT_DASHBOARD_DIR
 * in src/server/app.ts). One page, hash routing, no external request: ECharts is bundled.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    modulePreload: { polyfill: false },
  },
});
