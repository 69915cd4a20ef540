// Development bootstrap of parse-worker.ts: worker threads do not inherit tsx's loader, so it is
// registered here before the TypeScript entry is imported. Built code loads parse-worker.js.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./parse-worker.ts', import.meta.url).href);
