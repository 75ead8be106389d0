// One rule for removing credentials from text that may reach logs, error messages or the state: the resource key
// (and any other secret given), bearer tokens, SAS signatures — also URL-encoded or JSON-escaped — and the keys of
// storage connection strings.

/** Service messages can echo a dataset's contentUrl; SDK messages can quote a connection string. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/(AccountKey|SharedAccessSignature|SharedAccessKey)=[^;\s"']+/gi, "$1=***");
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  // sig= also URL-encoded (%26sig%3D, a URL inside a query) and JSON-escaped (\u0026sig=, a URL inside a JSON text).
  return out
    .replace(/((?:[?&]|%3F|%26|\\u0026)sig(?:=|%3D))(?:(?!%26)[^&\s"'<>\\])+/gi, "$1***")
    .replace(/(Bearer\s+)[A-Za-z0-9\-_.~+/]+=*/g, "$1***");
}

