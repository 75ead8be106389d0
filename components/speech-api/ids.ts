import type { EntityReference } from "./models";

/** The entity id inside a `self` URI: its last path segment, query and fragment stripped. */
export function idFromSelf(self: string): string {
  if (typeof self !== "string" || self.length === 0) {
    throw new TypeError(`idFromSelf: expected an entity URI such as https://<host>/speechtotext/models/<id>, got ${JSON.stringify(self)}`);
  }
  const path = self.split(/[?#]/, 1)[0].replace(/\/+$/, "");
  const id = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  if (id.length === 0 || id.includes(":")) {
    throw new TypeError(`idFromSelf: expected an entity URI such as https://<host>/speechtotext/models/<id>, got ${JSON.stringify(self)}`);
  }
  return id;
}

/** The reference shape the API uses between entities (`{ self }`, always a full URI). */
export function ref(self: string): EntityReference {
  return { self };
}
