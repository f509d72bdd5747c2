// Builds the call-taker's screen (src-renderer) into dist-renderer/, served by the browser desk and loaded by Electron.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // Relative asset paths: Electron loads the files from disk, the browser desk from its own origin.
  base: './',
  build: {
    outDir: 'dist-renderer',
    emptyOutDir: true,
    target: 'chrome120',
    // One small app: no lazy chunks to wait for on the key-press path.
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1' },
});
