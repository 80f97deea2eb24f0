import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * An HTTP target in a process of its own, as a real server would be: answers /ok after `latencyMs`,
 * never answers /hang. It answers from raw TCP with one canned response: on a 2-core machine the server
 * shares the CPU with the client under test, and a deployed Vigil shares it with no server at all.
 */
export async function startSlowTarget(latencyMs: number): Promise<{ base: string; stop: () => void }> {
  const code = `
    const ok = Buffer.from('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: keep-alive\\r\\n\\r\\nok');
    require('net').createServer((socket) => {
      let head = '';
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        head += chunk.toString('latin1');
        let end;
        while ((end = head.indexOf('\\r\\n\\r\\n')) !== -1) {
          const hang = head.startsWith('GET /hang');
          head = head.slice(end + 4);
          if (!hang) setTimeout(() => socket.write(ok), ${latencyMs});
        }
      });
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const server = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = (await once(server.stdout!, 'data')) as [Buffer];
  return { base: `http://127.0.0.1:${port.toString().trim()}`, stop: () => server.kill() };
}
