import type { ComponentStatus } from '../state/status.js';
import { escapeXml as esc } from './escape.js';
import type { StatusPage } from './page.js';
import { STATUS_WORDS } from './record.js';

/** A mark beside each status word: the word carries the meaning, the colour and the mark only repeat it. */
const MARK: Record<ComponentStatus, string> = {
  operational: '✓',
  degraded_performance: '!',
  partial_outage: '!',
  major_outage: '✕',
  under_maintenance: '⚙',
};

// Colours meet WCAG AA against white for text (4.5:1) and for the bars as graphics (3:1).
const STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff;line-height:1.45}
body{max-width:52rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.6rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:2rem 0 .75rem}
.banner{padding:1rem 1.25rem;border-radius:.4rem;font-weight:600;font-size:1.15rem;border:2px solid}
.s-none{background:#e8f5e9;border-color:#1b6e3a;color:#0f4a25}.s-minor{background:#fff4e0;border-color:#9a5b00;color:#6b3f00}
.s-major,.s-critical{background:#fdecea;border-color:#b3261e;color:#7f1d17}
ul.components{list-style:none;margin:0;padding:0;border:1px solid #c7c7c7;border-radius:.4rem}
ul.components>li{padding:1rem 1.25rem;border-top:1px solid #c7c7c7}ul.components>li:first-child{border-top:0}
.row{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}.name{font-weight:600}
.c-operational{color:#1b6e3a}.c-degraded_performance,.c-partial_outage{color:#9a5b00}.c-major_outage{color:#b3261e}.c-under_maintenance{color:#1f4e9c}
ol.days{display:flex;gap:2px;list-style:none;margin:.6rem 0 .2rem;padding:0;height:2rem}
ol.days li{flex:1;border-radius:1px}
.d-operational{background:#2e8b57}.d-degraded_performance{background:#c77c00}.d-partial_outage{background:#d9480f}.d-major_outage{background:#b3261e}.d-under_maintenance{background:#1f4e9c}
.legend{display:flex;justify-content:space-between;font-size:.85rem;color:#4a4a4a}
article{border-left:4px solid #9a5b00;padding:.25rem 0 .25rem 1rem;margin:0 0 1.25rem}article.resolved{border-color:#1b6e3a}
article h3{font-size:1rem;margin:0 0 .4rem}article p{margin:.25rem 0}time{color:#4a4a4a;font-size:.9rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{margin-top:2.5rem;font-size:.9rem;color:#4a4a4a}a{color:#1f4e9c}
`;

const when = (iso: string) => `<time datetime="${esc(iso)}">${esc(iso.slice(0, 16).replace('T', ' '))} UTC</time>`;
const dayLabel = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** The page as static HTML: readable without JavaScript, with landmarks, and no meaning carried by colour alone. */
export function statusHtml(page: StatusPage): string {
  const components = page.components
    .map((c) => {
      const days = c.history
        .map((d) => {
          const label = `${dayLabel(d.date)}: ${STATUS_WORDS[d.worst].toLowerCase()}`;
          return `<li class="d-${d.worst}" title="${esc(label)}"><span class="visually-hidden">${esc(label)}</span></li>`;
        })
        .join('');
      return [
        '<li>',
        `<div class="row"><span class="name">${esc(c.name)}</span>`,
        `<span class="status c-${c.status}"><span aria-hidden="true">${MARK[c.status]}</span> ${STATUS_WORDS[c.status]}</span></div>`,
        c.description ? `<p>${esc(c.description)}</p>` : '',
        `<ol class="days" aria-label="${esc(c.name)}: the last ${c.history.length} days">${days}</ol>`,
        `<div class="legend"><span>${c.history.length} days ago</span><span>${c.uptimePercent.toFixed(2)}% uptime</span><span>Today</span></div>`,
        '</li>',
      ].join('');
    })
    .join('\n');
  const incidents = page.incidents
    .map((i) => {
      const updates = i.updates.map((u) => `<p><strong>${esc(capital(u.status))}</strong> – ${esc(u.body)} ${when(u.at)}</p>`).join('');
      return `<article class="${i.status === 'resolved' ? 'resolved' : 'active'}"><h3>${esc(i.name)}</h3>${updates}</article>`;
    })
    .join('\n');
  const maintenances = page.maintenances
    .map(
      (m) =>
        `<article><h3>${esc(m.name)}</h3><p><strong>${m.status === 'in_progress' ? 'In progress' : 'Scheduled'}</strong> – from ${when(m.from)}${m.until ? ` until ${when(m.until)}` : ''}; affects ${esc(
          m.components.map((id) => page.components.find((c) => c.id === id)?.name ?? id).join(', '),
        )}.</p></article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(page.title)}: ${esc(page.description)}</title>
<link rel="alternate" type="application/atom+xml" title="${esc(page.title)}: incidents" href="feed.atom">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(page.title)}</h1>
<p class="banner s-${page.indicator}" role="status">${esc(page.description)}</p>
</header>
<main>
${page.maintenances.length ? `<section aria-labelledby="maintenance"><h2 id="maintenance">Maintenance</h2>\n${maintenances}</section>` : ''}
${page.incidents.some((i) => i.status !== 'resolved') || page.incidents.length ? `<section aria-labelledby="incidents"><h2 id="incidents">Incidents</h2>\n${incidents}</section>` : ''}
<section aria-labelledby="components"><h2 id="components">Components</h2>
<ul class="components">
${components}
</ul>
</section>
</main>
<footer>
<p>Last updated ${when(page.updatedAt)}. Also as <a href="summary.json">JSON</a> and an <a href="feed.atom">Atom feed</a>.</p>
</footer>
</body>
</html>
`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
