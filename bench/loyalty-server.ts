// Child process for the loyalty benchmark: the HTTP API on its own core, as in production.
// Prints {"port": n} once listening; exits when its stdin closes.
import { loadConfig } from '../src/config.js';
import { createApp } from '../src/server/app.js';
import { createDb } from '../src/storage/db.js';

const [target] = process.argv.slice(2) as [string];
const db = createDb(target.startsWith('postgres') ? { databaseUrl: target, poolSize: 16 } : { sqlitePath: target });
const app = createApp({ db, config: loadConfig({}, { logLevel: 'silent' }), logger: false, webRoot: '/nonexistent-patron-web' });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: (app.server.address() as { port: number }).port }) + '\n');
process.stdin.resume();
// Each line "cpu" on stdin is answered with the CPU time used so far.
let input = '';
process.stdin.on('data', (d: Buffer) => {
  input += d.toString();
  const parts = input.split('\n');
  input = parts.pop()!;
  for (const l of parts) {
    if (l.trim() !== 'cpu') continue;
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 }) + '\n');
  }
});
process.stdin.on('end', async () => {
  await app.close();
  await db.close();
  process.exit(0);
});
