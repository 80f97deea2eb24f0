import { tsImport } from 'tsx/esm/api';
for (const f of ['/tmp/team/vigil.config.ts', '/tmp/team/plain.config.ts']) {
  try { const m = await tsImport(f, import.meta.url); console.log(f, 'ok', JSON.stringify(m.default).slice(0, 80)); } catch (e) { console.log(f, 'ERR', e.message.split('\n')[0]); }
}
