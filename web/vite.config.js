// Vite builds two pages into dist/, which the Go package `web` embeds: the explorer (index.html,
// served at /) and GraphiQL (graphiql.html, served at /graphiql). Hashed files land in
// dist/assets/, which the server caches for a year.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

const here = import.meta.dirname;

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Monaco (inside GraphiQL) is large by nature; it loads only on /graphiql.
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      input: {
        index: resolve(here, 'index.html'),
        graphiql: resolve(here, 'graphiql.html'),
      },
      // GraphiQL's dependencies mark modules "use client" for React Server Components, which a
      // browser bundle has no use for.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  // `npm run dev` serves the pages with live reload and sends API calls to `make run`.
  server: {
    proxy: {
      '/graphql': 'http://127.0.0.1:8080',
      '/export': 'http://127.0.0.1:8080',
    },
  },
});
