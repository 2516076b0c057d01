import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ command }) => {
  // Test runners export NODE_ENV=test, which would make the JSX transform and React use their development
  // builds; a build is always for production. Set before the plugin is created: it reads NODE_ENV then.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root,
    plugins: [react()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 700,
      rollupOptions: {
        output: {
          // Charts are only on some pages; their own chunk keeps the directory's first load small.
          manualChunks: (id: string) => (id.includes('node_modules/echarts') || id.includes('node_modules/zrender') ? 'charts' : id.includes('node_modules') ? 'vendor' : undefined),
        },
      },
    },
    server: { proxy: { '/api': 'http://127.0.0.1:8787', '/events': 'http://127.0.0.1:8787', '/graphql': 'http://127.0.0.1:8787' } },
  };
});
