import { Redactor } from '../shared/secrets/mask.ts';
const r = new Redactor();
for (let i = 0; i < 50; i++) r.add(`secret-${i}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`);
const texts = [ 'x'.repeat(200), JSON.stringify({ status: 'ok', summary: 'HTTP 200 in 12 ms', observed: { latencyMs: 12 } }), 'lorem ipsum '.repeat(1400) ];
for (const t of texts) {
  const n = t.length > 1000 ? 200 : 20000;
  const s = performance.now();
  for (let i = 0; i < n; i++) r.text(t + i);
  console.log(t.length, ((performance.now() - s) / n * 1000).toFixed(2), 'µs per call');
}
