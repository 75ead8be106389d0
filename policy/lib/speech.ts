// The stack as the stack policies read it: each resource with its plain outputs, and what ties a Custom Speech
// resource to another (a locale, a model reference, a parent component).
import type { PolicyResource } from "@pulumi/policy";
import { referenceKey } from "../../components/custom-speech/checks";
import { isUnknown, knownString, plain, type Props } from "./values";

export interface Node {
  resource: PolicyResource;
  type: string;
  name: string;
  urn: string;
  props: Props;
}

export function nodes(resources: readonly PolicyResource[]): Node[] {
  return resources.map((resource) => ({ resource, type: resource.type, name: resource.name, urn: resource.urn, props: plain(resource.props) }));
}

export const localeOf = (n: Node): string | undefined => knownString(n.props.locale);

/** A model reference (self URI of any host and api-version, or a bare id) as "models/<id>", when known. */
export function modelKey(v: unknown): string | undefined {
  if (typeof v !== "string" || v === "" || isUnknown(v)) return undefined;
  const key = referenceKey(v, "models");
  return typeof key === "string" ? key : undefined;
}

/** Whether `n` is `ancestorUrn` or one of its descendants (by the parents the engine reports). */
export function within(n: Node, ancestorUrn: string): boolean {
  for (let r: PolicyResource | undefined = n.resource.parent; r; r = r.parent) if (r.urn === ancestorUrn) return true;
  return false;
}

/** How a message names a resource: `Kind "name"`. */
export function named(n: Node): string {
  const kind = n.type.split(":").pop();
  return `${kind} "${n.name}"`;
}

/** A model reference as a reviewer reads it: "models/<id>" (the host and api-version left out). */
export const shownModel = (v: unknown): string => modelKey(v) ?? JSON.stringify(v);
