// The console's build: `npm run build` (scripts/build.mjs) bundles it into dist/console, which
// the gateway serves at / under a strict Content-Security-Policy (apps/gateway/src/console-app).
// For work on the pages alone, `npx vite apps/console` serves them with hot reload and passes
// /v1 to a gateway on :3000 (`npm start`), keeping the Host header so its Origin check agrees.
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  plugins: [react()],
  // Vite's own cache under the checkout's state folder (gitignored), not in node_modules.
  cacheDir: path.join(here, '../../.tripline/vite'),
  build: {
    outDir: path.join(here, '../../dist/console'),
    emptyOutDir: true,
    // Every asset a file of its own under /assets/ (the CSP allows 'self'), none inlined.
    assetsInlineLimit: 0,
    // Only browsers with native module preloading: no polyfill in the bundle.
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
