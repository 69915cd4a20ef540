// Development bootstrap of score-worker.ts: worker threads do not inherit tsx's loader, so it is
// registered here before the TypeScript entry is imported. Built code (dist) loads
// score-worker.js directly and never reads this file.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./score-worker.ts', import.meta.url).href);
