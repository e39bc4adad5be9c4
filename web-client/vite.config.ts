/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// No React plugin: esbuild compiles JSX with the automatic runtime, which is all we need.
const backend = process.env.BACKEND_URL ?? 'http://localhost:8080';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  server: {
    port: 5173,
    // Test output must not make the dev server reload the page under test.
    watch: { ignored: ['**/target/**', '**/e2e/**', '**/test/**', '**/dist/**'] },
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/gateway': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/api': { target: backend },
      '/gateway': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    assetsDir: 'assets',
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
  },
});
