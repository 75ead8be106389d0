// Which stack a resource belongs to, and stack-name patterns ("prod*") as the pack's config writes them.

/** The stack of `urn:pulumi:<stack>::<project>::<type>::<name>` (the stack name without its organization). */
export function stackOf(urn: string): string {
  const head = urn.split("::")[0] ?? "";
  return head.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : "";
}

/** `*` is any run of characters, `?` one; the whole name must match, ignoring case. */
export function matchesStack(pattern: string, stack: string): boolean {
  const escape = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  const source = pattern
    .split("*")
    .map((part) => part.split("?").map(escape).join("."))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(stack);
}
