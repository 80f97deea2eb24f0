import type { StatusPage } from './page.js';
import { escapeXml } from './escape.js';

/** The page's incidents as an Atom feed, newest change first: what feed readers and chat integrations subscribe to. */
export function atomFeed(page: StatusPage): string {
  const link = page.url ?? 'index.html';
  const entries = [...page.incidents]
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .map((i) => {
      const updates = i.updates.map((u) => `<p><strong>${escapeXml(u.status)}</strong> (${escapeXml(u.at)}): ${escapeXml(u.body)}</p>`).join('');
      return [
        '  <entry>',
        `    <id>tag:vigil,${i.createdAt.slice(0, 10)}:${escapeXml(i.id)}</id>`,
        `    <title>${escapeXml(i.name)} (${escapeXml(i.status)})</title>`,
        `    <updated>${escapeXml(i.updatedAt)}</updated>`,
        `    <published>${escapeXml(i.createdAt)}</published>`,
        `    <link rel="alternate" href="${escapeXml(link)}"/>`,
        `    <content type="html">${escapeXml(updates)}</content>`,
        '  </entry>',
      ].join('\n');
    });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>tag:vigil,2026:${escapeXml(page.title)}</id>`,
    `  <title>${escapeXml(page.title)}: incidents</title>`,
    `  <updated>${escapeXml(page.updatedAt)}</updated>`,
    `  <link rel="alternate" href="${escapeXml(link)}"/>`,
    '  <author><name>Vigil</name></author>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
