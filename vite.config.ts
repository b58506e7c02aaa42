import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The renderer build. `base: './'` keeps every asset URL relative: the desktop app loads the page
 * from its files (file://) and the headless host serves it under a per-run secret path, and both
 * only work when nothing in the page asks for an absolute /assets/… address.
 */
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
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
