import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from './bridge/get-bridge.ts';
import { App } from './components/app.tsx';
import { AppProvider } from './state/app-context.tsx';
import { createAppStore } from './state/app-store.ts';
import './styles/app.css';

const bridge = getBridge();
const app = createAppStore(bridge);
app.actions.start();

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <AppProvider app={app} bridge={bridge}>
      <App />
    </AppProvider>
  </StrictMode>,
);
