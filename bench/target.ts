import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * An HTTP target in a process of its own, as a real server would be: answers /ok after `latencyMs`,
 * never answers /hang.
 */
export async function startSlowTarget(latencyMs: number): Promise<{ base: string; stop: () => void }> {
  const code = `require('http').createServer((q, s) => { if (q.url !== '/hang') setTimeout(() => s.end('ok'), ${latencyMs}); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const server = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = (await once(server.stdout!, 'data')) as [Buffer];
  return { base: `http://127.0.0.1:${port.toString().trim()}`, stop: () => server.kill() };
}
