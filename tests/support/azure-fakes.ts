// What Azure Resource Manager would compute for the few azure-native outputs the components read (ids, names,
// identity principal id, endpoints, keys). Shared by the control-plane mocks and the deployment driver.
export const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";

function armId(inputs: Record<string, any>, provider: string, name: string): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}/providers/${provider}/${name}`;
}

/** A stable fake principal id per resource name, as ARM would assign to a system identity. */
export function fakePrincipalId(name: string): string {
  const hex = Buffer.from(name).toString("hex").padEnd(12, "0").slice(0, 12);
  return `aaaaaaaa-bbbb-4ccc-8ddd-${hex}`;
}

/** Outputs of other stacks, for StackReferences under the control-plane mocks ("<org>/<project>/<stack>" → outputs). */
export const fakeStacks: Record<string, Record<string, unknown>> = {};

/** The id and outputs ARM would return for an azure-native resource created from `inputs`. */
export function fakeAzureResource(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
  switch (type) {
    case "azure-native:cognitiveservices:Account": {
      const account = inputs.accountName;
      const sub = inputs.properties?.customSubDomainName;
      return {
        id: armId(inputs, "Microsoft.CognitiveServices/accounts", account),
        state: {
          ...inputs,
          name: account,
          identity: { ...inputs.identity, principalId: fakePrincipalId(account), tenantId: SUBSCRIPTION },
          properties: { ...inputs.properties, endpoint: `https://${sub}.cognitiveservices.azure.com/`, provisioningState: "Succeeded" },
        },
      };
    }
    case "azure-native:storage:StorageAccount": {
      const account = inputs.accountName;
      return { id: armId(inputs, "Microsoft.Storage/storageAccounts", account), state: { ...inputs, name: account, primaryEndpoints: { blob: `https://${account}.blob.core.windows.net/` } } };
    }
    case "pulumi:pulumi:StackReference":
      return { id: inputs.name, state: { name: inputs.name, outputs: fakeStacks[inputs.name] ?? {}, secretOutputNames: [] } };
    case "azure-native:resources:ResourceGroup":
      return { id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}`, state: { ...inputs, name: inputs.resourceGroupName } };
    default:
      return { id: `${name}-id`, state: inputs };
  }
}

/** Invokes (functions) the components call. */
export function fakeAzureInvoke(token: string, _inputs: Record<string, any>): Record<string, unknown> {
  if (token === "azure-native:cognitiveservices:listAccountKeys") return { key1: "mock-key-1", key2: "mock-key-2" };
  return {};
}
