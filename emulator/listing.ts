// Paged lists `{ values, "@nextLink" }` with skip/top, and the filter subset:
// `eq`/`ne` on displayName, description, status, locale, kind; `gt`/`ge`/`lt`/`le` on the date-times; joined by `and`.
import { badRequest } from "./errors";

const STRING_PROPERTIES = ["displayName", "description", "status", "locale", "kind"];
const DATE_PROPERTIES = ["createdDateTime", "lastActionDateTime"];
const OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le"];

type Predicate = (item: Record<string, unknown>) => boolean;

function parseClause(clause: string): Predicate {
  const m = /^\s*(\w+)\s+(\w+)\s+(.+?)\s*$/.exec(clause);
  if (!m) throw badRequest("UnsupportedFilter", `Cannot parse the filter clause '${clause}'. Use: <property> <operator> <value>.`);
  const [, property, rawOp, rawValue] = m;
  const op = rawOp.toLowerCase();
  if (!OPERATORS.includes(op)) {
    throw badRequest("UnsupportedFilter", `Unsupported filter operator '${rawOp}'. Allowed: ${OPERATORS.join(", ")} (joined by 'and').`);
  }
  const quoted = /^'((?:[^']|'')*)'$/.exec(rawValue);
  const value = quoted ? quoted[1].replace(/''/g, "'") : rawValue;
  if (STRING_PROPERTIES.includes(property)) {
    if (op !== "eq" && op !== "ne") {
      throw badRequest("UnsupportedFilter", `Property '${property}' supports only eq and ne.`);
    }
    return (item) => (item[property] === value) === (op === "eq");
  }
  if (DATE_PROPERTIES.includes(property)) {
    const at = Date.parse(value);
    if (Number.isNaN(at)) throw badRequest("UnsupportedFilter", `'${value}' is not a date-time for filter property '${property}'.`);
    const compare: Record<string, (a: number) => boolean> = {
      eq: (a) => a === at, ne: (a) => a !== at, gt: (a) => a > at, ge: (a) => a >= at, lt: (a) => a < at, le: (a) => a <= at,
    };
    return (item) => typeof item[property] === "string" && compare[op](Date.parse(item[property] as string));
  }
  throw badRequest(
    "UnsupportedFilter",
    `Unsupported filter property '${property}'. Allowed: ${[...STRING_PROPERTIES, ...DATE_PROPERTIES].join(", ")}.`,
  );
}

export function parseFilter(filter: string | null): Predicate {
  if (!filter || !filter.trim()) return () => true;
  // Split on ' and ' outside quoted values.
  const clauses: string[] = [];
  let current = "";
  let inQuote = false;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i];
    if (ch === "'") inQuote = !inQuote;
    if (!inQuote && /^\sand\s/i.test(filter.slice(i, i + 5))) {
      clauses.push(current);
      current = "";
      i += 4;
      continue;
    }
    current += ch;
  }
  clauses.push(current);
  if (clauses.some((c) => /^\s*(or|not)\s|\s(or)\s/i.test(c.replace(/'(?:[^']|'')*'/g, "''")))) {
    throw badRequest("UnsupportedFilter", "The emulator supports filter clauses joined by 'and' only (no 'or'/'not').");
  }
  const predicates = clauses.map(parseClause);
  return (item) => predicates.every((p) => p(item));
}

function readInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest("UnsupportedPagination", `Query parameter '${name}' must be a non-negative integer, got '${raw}'.`);
  return Number(raw);
}

export interface Page<T> {
  values: T[];
  "@nextLink"?: string;
}

/** `listUrl(query)` builds the absolute URL of this list for the given query (api-version included). */
export function paginate<T extends object>(items: T[], query: URLSearchParams, pageSize: number, listUrl: (q: URLSearchParams) => string): Page<T> {
  const matches = parseFilter(query.get("filter"));
  const filtered = items.filter((i) => matches(i as Record<string, unknown>));
  const skip = readInt(query, "skip") ?? 0;
  const top = readInt(query, "top") ?? pageSize;
  if (top === 0) throw badRequest("UnsupportedPagination", "Query parameter 'top' must be at least 1.");
  const page: Page<T> = { values: filtered.slice(skip, skip + top) };
  if (skip + top < filtered.length) {
    const next = new URLSearchParams(query);
    next.set("skip", String(skip + top));
    next.set("top", String(top));
    page["@nextLink"] = listUrl(next);
  }
  return page;
}
