import { maskUrlCredentials } from '../redact.js';

const MASK = '***';
/** Shorter values would mask ordinary words; no real credential is this short. */
const MIN_SECRET_LENGTH = 3;
/** A run this long of a secret's form is a piece of the secret wherever it stands (a server echoing a token's tail). */
export const FRAGMENT_LENGTH = 12;

/**
 * Every form in which a target or a driver can echo `secret` back: as is, JSON-escaped,
 * percent-encoded, HTML-escaped, and base64 at each of the three byte alignments, so the
 * secret is found inside a longer base64 text too (`user:secret` in a Basic header).
 */
function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const asciiOnly = (text: string) => text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const jsons = [json, json.replaceAll('/', '\\/')].flatMap((j) => [j, asciiOnly(j)]);
  const percent = encodeURIComponent(secret);
  const whole = Buffer.from(secret, 'utf8').toString('base64');
  const forms = [
    secret,
    ...jsons,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    new URLSearchParams({ v: secret }).toString().slice(2),
    secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    secret.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;'),
    whole,
    whole.replace(/=+$/, ''),
    ...[0, 1, 2].flatMap((offset) => base64Core(secret, offset)),
  ];
  return [...new Set(forms)].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** The base64 characters that depend on the secret alone when it starts `offset` bytes into the encoded text. */
function base64Core(secret: string, offset: number): string[] {
  const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(secret, 'utf8')]);
  const standard = bytes.toString('base64').slice(Math.ceil((offset * 8) / 6), Math.floor((bytes.length * 8) / 6));
  return [standard, standard.replaceAll('+', '-').replaceAll('/', '_')];
}

/**
 * Masks known secrets, in every form they can be echoed in, and URL user info. One per process
 * (`knownSecrets`): whatever resolves a secret adds it, and every sink masks with it.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Longest first, so a form that contains another is masked whole. */
  private forms: string[] = [];

  private readonly fragments = new Fragments();

  add(...secrets: readonly (string | undefined)[]): this {
    const fresh = secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH && !this.secrets.has(s));
    if (!fresh.length) return this;
    for (const s of fresh) this.secrets.add(s);
    const forms = fresh.flatMap(secretForms);
    this.forms = [...new Set([...this.forms, ...forms])].sort((a, b) => b.length - a.length);
    for (const form of forms) this.fragments.add(form);
    return this;
  }

  /** No secret known: a sink whose text was masked upstream can pass it on as is. */
  get empty(): boolean {
    return this.forms.length === 0;
  }

  text(text: string): string {
    let masked = text;
    // Every finding of every round passes here: skip the replacements that cannot match.
    for (const form of this.forms) if (masked.includes(form)) masked = masked.replaceAll(form, MASK);
    masked = this.fragments.mask(masked);
    return masked.includes('@') ? maskUrlCredentials(masked) : masked;
  }

  /** A deep copy of `value` with every string masked, object keys included; errors keep their name. */
  deep<T>(value: T): T {
    // Walked even with no secret known: URL user info is masked whoever's it is.
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v instanceof Error) return this.error(v);
      // Bytes (a compressed item) are masked by whoever made them, before: copied as bytes, never turned into an object.
      if (v instanceof Date || ArrayBuffer.isView(v)) return v;
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), walk(x)]));
      return v;
    };
    return walk(value) as T;
  }

  /** The same error, its message and stack masked in place (a stack repeats the message). */
  error<E>(err: E): E {
    if (!(err instanceof Error)) return err;
    err.message = this.text(err.message);
    if (err.stack) err.stack = this.text(err.stack);
    if (err.cause) err.cause = this.deep(err.cause);
    return err;
  }
}

const BASE = 257;
const MOD = 2_147_483_647;
/** BASE^(FRAGMENT_LENGTH - 1) mod MOD: what the character leaving the window weighed. */
const LEAVING = Array.from({ length: FRAGMENT_LENGTH - 1 }).reduce<number>((p) => (p * BASE) % MOD, 1);

/**
 * Every FRAGMENT_LENGTH-character window of every long form, found in a text with a rolling hash: one
 * pass, no allocation per position, however many secrets. A window found is widened to the whole run
 * the text shares with that form, and the run masked.
 */
class Fragments {
  private readonly windows = new Map<number, { form: string; at: number }[]>();

  add(form: string): void {
    for (let at = 0; at + FRAGMENT_LENGTH <= form.length; at++) {
      const hash = hashOf(form, at);
      const list = this.windows.get(hash) ?? [];
      list.push({ form, at });
      this.windows.set(hash, list);
    }
  }

  mask(text: string): string {
    if (!this.windows.size || text.length < FRAGMENT_LENGTH) return text;
    const runs: [number, number][] = [];
    let i = 0;
    let hash = hashOf(text, 0);
    while (i + FRAGMENT_LENGTH <= text.length) {
      const run = this.windows
        .get(hash)
        ?.map((w) => widen(text, i, w))
        .find(Boolean);
      if (run) {
        runs.push(run);
        // Past the run: the hash starts afresh there.
        i = run[1];
        if (i + FRAGMENT_LENGTH <= text.length) hash = hashOf(text, i);
        continue;
      }
      if (i + FRAGMENT_LENGTH < text.length) hash = ((hash - ((text.charCodeAt(i) * LEAVING) % MOD) + MOD) * BASE + text.charCodeAt(i + FRAGMENT_LENGTH)) % MOD;
      i++;
    }
    if (!runs.length) return text;
    let out = '';
    let from = 0;
    for (const [start, end] of runs) {
      out += text.slice(from, start) + MASK;
      from = end;
    }
    return out + text.slice(from);
  }
}

function hashOf(text: string, at: number): number {
  let hash = 0;
  for (let k = 0; k < FRAGMENT_LENGTH; k++) hash = (hash * BASE + text.charCodeAt(at + k)) % MOD;
  return hash;
}

/** The run around position `i` that `text` shares with `w.form` (the window confirmed, not just its hash). */
function widen(text: string, i: number, w: { form: string; at: number }): [number, number] | undefined {
  for (let k = 0; k < FRAGMENT_LENGTH; k++) if (text.charCodeAt(i + k) !== w.form.charCodeAt(w.at + k)) return undefined;
  let start = i;
  let at = w.at;
  while (start > 0 && at > 0 && text[start - 1] === w.form[at - 1]) {
    start--;
    at--;
  }
  let end = i + FRAGMENT_LENGTH;
  let to = w.at + FRAGMENT_LENGTH;
  while (end < text.length && to < w.form.length && text[end] === w.form[to]) {
    end++;
    to++;
  }
  return [start, end];
}

/** The secrets this process has resolved or been configured with. */
export const knownSecrets = new Redactor();
