/**
 * The one order paodin-fleet sorts strings in wherever the order shows (files, keys, names,
 * messages): by UTF-16 code units, as `<` compares them. Unlike localeCompare it is the same
 * on every machine, so two renders of one fleet are the same bytes.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Files (anything with a `path`) in path order. */
export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return byCodeUnits(a.path, b.path);
}
