// Builds the renderer once for both hosts: the sync server serves
// dist/renderer as the web fallback, and the desktop shell loads the same files.
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // Entry files are named index-*, chunks loaded on demand chunk-*: the
      // service worker drops old builds' entries and keeps chunks.
      output: { entryFileNames: 'assets/index-[hash].js', chunkFileNames: 'assets/chunk-[name]-[hash].js' },
    },
  },
});
