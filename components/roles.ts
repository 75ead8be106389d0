/**
 * Azure built-in roles the control plane grants, and one helper that creates an idempotent role assignment.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { ValidationError, ensure, ensureOneOf, uuid } from "./domain";
import { checkedInput } from "./input-error";

/** Built-in role definition GUIDs (learn.microsoft.com role-based-access-control/built-in-roles). */
export const BuiltInRoles = {
  /** Full access to Custom Speech projects, datasets, models and endpoints; cannot list keys. */
  CognitiveServicesSpeechContributor: "0e75ca1e-0464-4b4d-8b93-68208a576181",
  /** Use the Speech APIs and read custom models; cannot create or change them. */
  CognitiveServicesSpeechUser: "f2dc8367-1007-4938-bd23-fe263f013447",
  StorageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  StorageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;
export type BuiltInRole = keyof typeof BuiltInRoles;

export const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal"] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

/** A Microsoft Entra object (user, group, or service principal / managed identity) to grant a role to. */
export interface Principal {
  /** Entra object id (a GUID). */
  principalId: string;
  /** Saves ARM a directory lookup and avoids replication-delay failures for new identities. */
  principalType?: PrincipalType;
}

/** Throws an error naming the property when a principal is not a GUID or has an unknown type. */
export function validatePrincipals(principals: readonly Principal[] | undefined, property: string): Principal[] {
  if (principals === undefined) return [];
  if (!Array.isArray(principals)) {
    throw new ValidationError(property, `${property} must be a list of { principalId, principalType? } objects.`);
  }
  return principals.map((p, i) => {
    const where = `${property}[${i}]`;
    if (typeof p !== "object" || p === null) throw new ValidationError(where, `${where} must be { principalId, principalType? }.`);
    const principalId = ensure<string>(`${where}.principalId`, p.principalId, uuid).toLowerCase();
    const principalType = p.principalType === undefined ? undefined : ensureOneOf(`${where}.principalType`, p.principalType, PRINCIPAL_TYPES);
    return { principalId, principalType };
  });
}

/**
 * The subscription-scoped role definition id. The subscription comes from the scope (an ARM resource id), so
 * no invoke is needed and the id is known as soon as the scope is.
 */
export function roleDefinitionId(scope: string, role: BuiltInRole): string {
  const match = /^\/subscriptions\/([^/]+)/i.exec(scope);
  if (!match) throw new ValidationError("scope", `scope "${scope}" is not an ARM resource id (expected /subscriptions/<id>/...).`);
  return `/subscriptions/${match[1]}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRoles[role]}`;
}

/**
 * A deterministic role-assignment name (a name-based GUID, RFC 4122 version 5 layout over SHA-1) so that re-running
 * the program targets the same assignment instead of creating a duplicate, which ARM rejects.
 */
export function roleAssignmentName(scope: string, role: BuiltInRole, principalId: string): string {
  const bytes = createHash("sha1")
    .update(`${scope.toLowerCase()}|${BuiltInRoles[role]}|${principalId.toLowerCase()}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface RoleGrant {
  scope: pulumi.Input<string>;
  role: BuiltInRole;
  principalId: pulumi.Input<string>;
  principalType?: PrincipalType;
}

/** Creates one role assignment with a deterministic name and the subscription-scoped role definition id. */
export function assignRole(name: string, grant: RoleGrant, opts: pulumi.CustomResourceOptions): authorization.RoleAssignment {
  const ids = pulumi.all([grant.scope, grant.principalId]);
  return new authorization.RoleAssignment(
    name,
    {
      scope: grant.scope,
      principalId: grant.principalId,
      principalType: grant.principalType,
      roleDefinitionId: ids.apply(([scope]) => checkedInput(() => roleDefinitionId(scope, grant.role))),
      roleAssignmentName: ids.apply(([scope, principalId]) => roleAssignmentName(scope, grant.role, principalId)),
    },
    opts,
  );
}
