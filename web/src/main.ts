// Studio entry point: starts the data worker, restores settings, connects the stream, mounts the app and (in a
// production build) registers the service worker that keeps the app shell available offline.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { GatewayApi, gatewayContext } from './state/gateway.svelte.ts';
import { Router, routerContext } from './state/router.svelte.ts';
import { Settings, settingsContext } from './state/settings.svelte.ts';
import { Studio, studioContext } from './state/studio.svelte.ts';
import { WorkerClient } from './worker/client.ts';
import { registerServiceWorker } from './sw/register.ts';

const worker = new Worker(new URL('./worker/stream.worker.ts', import.meta.url), { type: 'module', name: 'sightline-data' });
const studio = new Studio(new WorkerClient(worker));
const settings = new Settings();
const router = new Router();
const gateway = new GatewayApi(settings);

try {
  void studio.connect(settings.target);
} catch (e) {
  // A bad saved gateway URL: the Settings page shows it and lets the user fix it.
  console.error(e);
}

mount(App, {
  target: document.getElementById('app')!,
  context: new Map<symbol, unknown>([routerContext(router), settingsContext(settings), studioContext(studio), gatewayContext(gateway)]),
});

// Production builds only (sw.js exists only there); the studio works without it, just not offline after a reload.
void registerServiceWorker();
