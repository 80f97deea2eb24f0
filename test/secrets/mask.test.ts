import { describe, expect, it } from 'vitest';
import { Redactor } from '../../shared/secrets/mask.js';

const SECRET = 'k/Q+"z\\W&=?é7';

describe('Redactor', () => {
  const redactor = new Redactor().add(SECRET);

  it.each([
    ['as is', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['JSON-escaped with \\/ and \\u', JSON.stringify(SECRET).slice(1, -1).replaceAll('/', '\\/').replace('é', '\\u00e9')],
    ['percent-encoded', encodeURIComponent(SECRET)],
    ['percent-encoded, lower-case hex', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['form-encoded', new URLSearchParams({ v: SECRET }).toString().slice(2)],
    ['HTML-escaped', SECRET.replaceAll('&', '&amp;').replaceAll('"', '&quot;')],
    ['base64', Buffer.from(SECRET).toString('base64')],
  ])('masks the secret %s', (_, form) => {
    expect(redactor.text(`echoed: ${form}.`)).toBe('echoed: ***.');
  });

  it.each(['a', 'ab', 'ops:', 'session=1; '])('masks its base64 inside a longer base64 text (after "%s")', (prefix) => {
    const encoded = Buffer.from(`${prefix}${SECRET}; and more`).toString('base64');
    const masked = redactor.text(encoded);
    expect(masked).toContain('***');
    // What is left is at most the characters shared with the text around it: no run of the secret's own.
    const core = Buffer.from(SECRET).toString('base64').slice(2, -4);
    expect(masked).not.toContain(core.slice(0, 8));
  });

  it('masks a run of 12 or more characters of a secret, in any of its forms, wherever it stands: keys included', () => {
    const token = 'tok_9Fq2LmZx7Wp4Rk8Ns3Vb6Hd1';
    const r = new Redactor().add(token);
    expect(r.text(`db-${token.slice(-14)} is down`)).toBe('db-*** is down');
    expect(r.text(`prefix ${token.slice(0, 12)}!`)).toBe('prefix ***!');
    expect(r.deep({ [`db-${token.slice(5, 19)}`]: 'down' })).toEqual({ 'db-***': 'down' });
    expect(r.text(Buffer.from(token).toString('base64').slice(4, 20))).toBe('***');
    // Shorter runs are ordinary text: masking them would hide words, not secrets.
    expect(r.text(`id ${token.slice(0, 11)}`)).toBe(`id ${token.slice(0, 11)}`);
  });

  it('masks keys as well as values, and leaves everything else as it was', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(redactor.deep({ [`db-${SECRET}`]: 'down', n: 3, at, list: [SECRET, null] })).toEqual({ 'db-***': 'down', n: 3, at, list: ['***', null] });
  });

  it("masks an error's message and stack in place, and its cause", () => {
    const err = new Error(`login failed for ${SECRET}`, { cause: new Error(`cause ${SECRET}`) });
    void err.stack;
    const same = redactor.error(err);
    expect(same).toBe(err);
    expect([err.message, err.stack, (err.cause as Error).message].join('\n')).not.toContain(SECRET);
  });

  it('masks user info in any URL, known secret or not', () => {
    expect(new Redactor().text('postgres://vigil:unknown@db:5432/orders')).toBe('postgres://***@db:5432/orders');
  });

  it('ignores values too short to be a credential', () => {
    expect(new Redactor().add('ab').text('ab cab')).toBe('ab cab');
  });
});

describe('a finding, with no secret known to the process', () => {
  it('still has the user info of any URL it quotes masked', () => {
    const finding = { summary: 'upstream said: mongodb://app:hunter2-unknown@db:27017 refused', evidence: { body: ['postgres://x:y-unknown@h/db'] } };
    expect(new Redactor().deep(finding)).toEqual({ summary: 'upstream said: mongodb://***@db:27017 refused', evidence: { body: ['postgres://***@h/db'] } });
  });
});
