// GraphiQL, bundled from npm (no CDN): Monaco's workers are built by Vite, the examples from the
// README open as tabs, and queries go to this server's /graphql.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import examples from './examples.json';

const fetcher = createGraphiQLFetcher({ url: new URL('/graphql', location.href).href });

// Each README example is a tab, named by its operation name, its title a comment on top. The
// README's queries are anonymous ("{ ... }"); naming them here keeps the README short.
const defaultTabs = examples.map((e) => ({ query: `# ${e.title}\nquery ${e.name} ${e.query}` }));

createRoot(document.getElementById('graphiql')).render(
  createElement(GraphiQL, { fetcher, defaultTabs, defaultEditorToolsVisibility: false }),
);
