import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Vite's hot reload injects an inline script that the page's strict CSP meta tag would block: under
 * the dev server the tag goes, and the desktop shell sends a dev CSP header instead
 * (src-main/node-host/renderer-host/content-security-policy.ts). Built pages keep the tag.
 */
const devWithoutCspMeta = (): Plugin => ({
  name: 'dev-without-csp-meta',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i, ''),
});

/**
 * The renderer build. `base: './'` keeps every asset URL relative: the desktop app loads the page
 * from app://renderer/ and the headless host serves it under a per-run secret path, and both only
 * work when nothing in the page asks for an absolute /assets/… address.
 */
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react(), devWithoutCspMeta()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2023',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
});
