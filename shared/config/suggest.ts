/** What zod/mini's schemas hold, as far as finding the keys at a path needs. */
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  discriminator?: string;
  values?: unknown[];
}

/** The keys an object at `path` may have, following the config as written (a check's kind picks its schema). */
export function keysAt(schema: { _zod: { def: Def } }, path: readonly PropertyKey[], raw: unknown): string[] | undefined {
  let def: Def | undefined = schema._zod.def;
  let value = raw;
  for (let i = 0; ;) {
    def = unwrap(def, value);
    if (!def) return undefined;
    if (i === path.length) return def.shape ? Object.keys(def.shape) : undefined;
    const key = path[i++]!;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    def = def.type === 'array' ? def.element?._zod.def : def.shape?.[String(key)]?._zod.def;
  }
}

/** Through optional, default and pipe wrappers, and into the option of a union its discriminator names. */
function unwrap(def: Def | undefined, value: unknown): Def | undefined {
  while (def) {
    if (def.innerType) def = def.innerType._zod.def;
    else if (def.type === 'pipe' && def.in) def = def.in._zod.def;
    else if (def.type === 'union' && def.discriminator && def.options) {
      const wanted = (value as Record<string, unknown> | undefined)?.[def.discriminator];
      def = def.options.find((o) => o._zod.def.shape?.[def!.discriminator!]?._zod.def.values?.includes(wanted))?._zod.def;
    } else return def;
  }
  return undefined;
}

/** The option closest to a misspelt or shortened word, if one is close enough to be what was meant. */
export function closest(word: string, options: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  // `window` for `windowMinutes`: a name cut short is what was meant.
  const started = lower.length >= 3 ? options.find((o) => o.toLowerCase().startsWith(lower)) : undefined;
  if (started) return started;
  let best: { option: string; distance: number } | undefined;
  for (const option of options) {
    const distance = editDistance(lower, option.toLowerCase());
    if (distance <= Math.max(1, Math.ceil(word.length / 2)) && (!best || distance < best.distance)) best = { option, distance };
  }
  return best?.option;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** `unknown key "dryrun"; did you mean "dryRun"?`, or the keys it may be, when none is close. */
export function unknownKey(key: string, known: readonly string[]): string {
  const meant = closest(key, known);
  return `unknown key "${key}"${meant ? `; did you mean "${meant}"?` : known.length ? `; expected one of: ${known.join(', ')}` : ''}`;
}
