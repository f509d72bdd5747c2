// Bad input that is nearly good: a valid JSON document with one spot changed — a value replaced by a value of
// another type, a field dropped, a stranger field added — so property tests reach the checks deep inside a
// schema rather than only its first line.
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function paths(value: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

function edit(base: Json, path: Path, change: (parent: Json[] | { [k: string]: Json }, key: string | number) => void): Json {
  const copy = structuredClone(base);
  if (path.length === 0) return copy;
  let parent = copy as Json[] | { [k: string]: Json };
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] as Json[] | { [k: string]: Json };
  change(parent, path[path.length - 1]!);
  return copy;
}

/** Values of every JSON type, including the awkward ones (huge numbers, -0, long and odd strings). */
export const oddJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, -0, '', ' ', '\u0000', '😀'.repeat(3), '../../etc/passwd', '<script>', '${x}', 'NaN'),
  fc.string({ maxLength: 5000 }),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** One-spot mutations of `base` (plus, rarely, an entirely random document). */
export function mutationsOf(base: Json): fc.Arbitrary<Json> {
  const all = paths(base);
  const at = fc.constantFrom(...all.filter((p) => p.length > 0));
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(at, oddJson).map(([p, v]) => edit(base, p, (parent, key) => ((parent as Record<string | number, Json>)[key] = v))) },
    {
      weight: 2,
      arbitrary: at.map((p) =>
        edit(base, p, (parent, key) => {
          if (Array.isArray(parent)) parent.splice(Number(key), 1);
          else delete parent[key as string];
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...all), fc.string({ minLength: 1, maxLength: 12 }), oddJson).map(([p, k, v]) =>
        // The last path element only makes edit() stop at the object at `p`, which gets the stranger field.
        edit(base, [...p, k], (parent) => {
          if (parent !== null && !Array.isArray(parent) && typeof parent === 'object') parent[k] = v;
        }),
      ),
    },
    { weight: 1, arbitrary: oddJson },
  );
}
