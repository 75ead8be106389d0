/** One page of any Speech list operation (`x-ms-pageable`: itemName values, nextLinkName @nextLink). */
export interface Page<T> {
  values?: T[];
  "@nextLink"?: string | null;
}

export interface ListOptions {
  skip?: number;
  top?: number;
  filter?: string;
}

/** Query parameters of the first page; later pages carry their own in @nextLink. */
export function listQuery(o: ListOptions = {}): Record<string, string | number | undefined> {
  for (const name of ["skip", "top"] as const) {
    const v = o[name];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
      throw new RangeError(`ListOptions.${name} must be a non-negative integer, got ${v}`);
    }
  }
  return { skip: o.skip, top: o.top, filter: o.filter };
}

/**
 * Collects every item by following @nextLink to the end. The spec warns that deleting while paging
 * skips items, so callers get the whole list before acting on it.
 */
export async function collectPages<T>(first: string, getPage: (url: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let url: string | undefined = first;
  while (url) {
    if (seen.has(url)) throw new Error(`Speech API paging loop: @nextLink repeated ${url.split("?")[0]}`);
    seen.add(url);
    const page: Page<T> = await getPage(url);
    items.push(...(page.values ?? []));
    url = page["@nextLink"] ?? undefined;
  }
  return items;
}
