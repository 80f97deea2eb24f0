/** A doc comment on a property of a schema, and the property names leading to it in its file. */
export interface SettingComment {
  path: string[];
  text: string;
}

/**
 * The `/** … *\/` comments on object properties in a formatted source file, each with the chain of
 * property names it sits under, read from the indentation the formatter gives nested objects.
 * Schemas carry no descriptions at run time (they would weigh on every cold start): their comments are
 * the descriptions, read here for the reference.
 */
export function settingComments(source: string): SettingComment[] {
  const lines = source.split('\n');
  const stack: { indent: number; name: string }[] = [];
  const found: SettingComment[] = [];
  let pending: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.search(/\S/);
    if (indent < 0) continue;
    if (line.trimStart().startsWith('/**')) {
      const body: string[] = [];
      for (let j = i; j < lines.length; j++) {
        body.push(lines[j]!);
        i = j;
        if (lines[j]!.includes('*/')) break;
      }
      pending = docText(body.join('\n'));
      continue;
    }
    if (line.trimStart().startsWith('//')) continue;
    while (stack.length && stack.at(-1)!.indent >= indent) stack.pop();
    const property = /^\s*(?:'([^']+)'|([A-Za-z_$][\w$]*))\??\s*:(?!:)/.exec(line);
    if (property) {
      const name = (property[1] ?? property[2])!;
      if (pending) found.push({ path: [...stack.map((s) => s.name), name], text: pending });
      stack.push({ indent, name });
    }
    pending = undefined;
  }
  return found;
}

function docText(comment: string): string {
  return comment
    .replace(/^\s*\/\*\*/, '')
    .replace(/\*\/\s*$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Where a row's meaning may come from: a file's comments, and whether a comment may sit under another name there. */
export interface CommentSource {
  comments: SettingComment[];
  /** A shared file's settings are written once and spread into many schemas: its paths end a row's, not start it. */
  shared?: boolean;
}

/**
 * The comment that describes a row: one at exactly its path, else one whose path of two names or more
 * ends it (a part of the schema kept in its own variable), else, from a shared file, any that ends it.
 */
export function commentFor(path: string[], sources: CommentSource[]): string | undefined {
  const ends = (c: SettingComment) => c.path.length <= path.length && path.slice(path.length - c.path.length).every((name, i) => name === c.path[i]);
  const longest = (found: SettingComment[]) => found.sort((a, b) => b.path.length - a.path.length)[0]?.text;
  for (const { comments } of sources) {
    const exact = comments.find((c) => c.path.length === path.length && ends(c));
    if (exact) return exact.text;
  }
  for (const { comments } of sources) {
    const text = longest(comments.filter((c) => c.path.length >= 2 && ends(c)));
    if (text) return text;
  }
  for (const { comments } of sources.filter((s) => s.shared)) {
    const text = longest(comments.filter(ends));
    if (text) return text;
  }
  return undefined;
}
