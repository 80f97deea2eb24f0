/** What dependencies are read from: a check's id and the checks it cannot work without. */
export interface Dependent {
  id: string;
  dependsOn?: readonly string[] | undefined;
}

export interface DependencyProblem {
  path: (string | number)[];
  message: string;
}

/** An unknown id, a check depending on itself, a cycle: each problem names the checks and where it is written. */
export function dependencyProblems(checks: readonly Dependent[]): DependencyProblem[] {
  const index = new Map(checks.map((c, i) => [c.id, i]));
  const problems: DependencyProblem[] = [];
  checks.forEach((check, i) =>
    check.dependsOn?.forEach((parent, j) => {
      if (parent === check.id) problems.push({ path: ['checks', i, 'dependsOn', j], message: `"${check.id}" cannot depend on itself` });
      else if (!index.has(parent)) problems.push({ path: ['checks', i, 'dependsOn', j], message: `no check has id "${parent}"` });
    }),
  );
  for (const cycle of cycles(checks, index)) {
    const at = index.get(cycle[0]!)!;
    problems.push({
      path: ['checks', at, 'dependsOn'],
      message: `a dependency cycle: ${[...cycle, cycle[0]].join(' → ')}; a check cannot be caused by its own failure`,
    });
  }
  return problems;
}

/** Each cycle once, from its first check in config order. */
function cycles(checks: readonly Dependent[], index: Map<string, number>): string[][] {
  const parents = (id: string) => (checks[index.get(id)!]?.dependsOn ?? []).filter((p) => p !== id && index.has(p));
  const done = new Set<string>();
  const found: string[][] = [];
  const visit = (id: string, path: string[]) => {
    const seen = path.indexOf(id);
    if (seen >= 0) return void found.push(path.slice(seen));
    if (done.has(id)) return;
    for (const parent of parents(id)) visit(parent, [...path, id]);
    done.add(id);
  };
  for (const check of checks) visit(check.id, []);
  return found;
}

/** The checks that depend on `checkId` directly, in config order. */
export function dependentsOf(checks: readonly Dependent[], checkId: string): string[] {
  return checks.filter((c) => c.dependsOn?.includes(checkId)).map((c) => c.id);
}

/**
 * How far each check sits below the checks it depends on (0: it depends on none). A round writes the
 * deepest first, so when a parent's message is sent its dependents' states are already there to list.
 */
export function dependencyDepths(checks: readonly Dependent[]): Map<string, number> {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const depths = new Map<string, number>();
  const depth = (id: string, seen: Set<string>): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle, refused at load; never loops here
    seen.add(id);
    const parents = (byId.get(id)?.dependsOn ?? []).filter((p) => byId.has(p));
    const d = parents.length ? 1 + Math.max(...parents.map((p) => depth(p, seen))) : 0;
    depths.set(id, d);
    return d;
  };
  for (const c of checks) depth(c.id, new Set());
  return depths;
}
