// training-storage-hardened on StorageAccount and BlobContainer inputs as the analyzer passes them.
import { trainingStorageHardened as policy } from "../../policy/policies";
import { UNKNOWN, runResource } from "./engine";

const STORAGE = "azure-native:storage:StorageAccount";
const CONTAINER = "azure-native:storage:BlobContainer";
const PARENT = "customspeech:index:TrainingDataStore";

/** TrainingDataStore's StorageAccount inputs (components/training-data-store.ts). */
const hardened = {
  accountName: "contosospeechdataprod",
  resourceGroupName: "rg",
  location: "westeurope",
  kind: "StorageV2",
  sku: { name: "Standard_ZRS" },
  allowBlobPublicAccess: false,
  allowSharedKeyAccess: false,
  defaultToOAuthAuthentication: true,
  minimumTlsVersion: "TLS1_2",
  enableHttpsTrafficOnly: true,
  allowCrossTenantReplication: false,
  publicNetworkAccess: "Enabled",
  networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [] },
};
const storage = (props: Record<string, unknown>, config?: object) => runResource(policy, { type: STORAGE, name: "training-data-storage", parentType: PARENT, props, config });
const container = (props: Record<string, unknown>, config?: object) =>
  runResource(policy, { type: CONTAINER, name: "training-data-training-audio", parentType: PARENT, props: { accountName: "contosospeechdataprod", resourceGroupName: "rg", containerName: "training-audio", ...props }, config });

const PREFIX = 'Storage account "training-data-storage" (account contosospeechdataprod): ';

test("passes TrainingDataStore's storage account", async () => {
  expect(await storage(hardened)).toEqual({ violations: [], notApplicable: undefined, messages: [] });
});

test("fails each weakened setting with its own message and fix", async () => {
  const weak = await storage({ ...hardened, allowBlobPublicAccess: true, minimumTlsVersion: "TLS1_0", enableHttpsTrafficOnly: false, allowSharedKeyAccess: true });
  expect(weak.messages).toEqual([
    `${PREFIX}allowBlobPublicAccess is true. Set allowBlobPublicAccess: false: no anonymous reads of training audio.`,
    `${PREFIX}minimumTlsVersion is "TLS1_0". Set minimumTlsVersion: "TLS1_2" or later.`,
    `${PREFIX}enableHttpsTrafficOnly is false: plain HTTP is accepted. Set enableHttpsTrafficOnly: true (or leave it out: Azure's default is HTTPS only).`,
    `${PREFIX}allowSharedKeyAccess is true. Set allowSharedKeyAccess: false and grant Storage Blob Data Reader/Contributor (Entra ID) instead; user-delegation SAS keeps working.`,
  ]);
});

test("fails settings left to Azure's defaults where the default is not safe, but not HTTPS only (safe by default)", async () => {
  const { allowBlobPublicAccess: _a, minimumTlsVersion: _t, enableHttpsTrafficOnly: _h, allowSharedKeyAccess: _s, ...bare } = hardened;
  expect((await storage(bare)).messages).toEqual([
    `${PREFIX}allowBlobPublicAccess is not set (its default differs by API version). Set allowBlobPublicAccess: false: no anonymous reads of training audio.`,
    `${PREFIX}minimumTlsVersion is not set (older API versions default to TLS1_0). Set minimumTlsVersion: "TLS1_2" or later.`,
    `${PREFIX}allowSharedKeyAccess is not set, and Azure then accepts account keys and SAS signed with them. Set allowSharedKeyAccess: false and grant Storage Blob Data Reader/Contributor (Entra ID) instead; user-delegation SAS keeps working.`,
  ]);
});

test("judges what is known while other settings are unknown", async () => {
  const r = await storage({ ...hardened, allowBlobPublicAccess: UNKNOWN, minimumTlsVersion: UNKNOWN, enableHttpsTrafficOnly: UNKNOWN, allowSharedKeyAccess: true });
  expect(r.messages).toEqual([expect.stringContaining("allowSharedKeyAccess is true.")]);
  expect((await storage({ ...hardened, allowSharedKeyAccess: UNKNOWN, accountName: UNKNOWN })).messages).toEqual([]);
});

test("config: a stricter TLS minimum, and exempt accounts (by Pulumi or Azure name) with their containers", async () => {
  expect((await storage(hardened, { minimumTlsVersion: "TLS1_3" })).messages).toEqual([`${PREFIX}minimumTlsVersion is "TLS1_2". Set minimumTlsVersion: "TLS1_3" or later.`]);
  expect((await storage({ ...hardened, minimumTlsVersion: "TLS1_3" }, { minimumTlsVersion: "TLS1_3" })).messages).toEqual([]);
  const exempt = await storage({ ...hardened, allowSharedKeyAccess: true }, { exemptAccounts: ["training-data-storage"] });
  expect(exempt).toMatchObject({ messages: [], notApplicable: "exempt: listed in exemptAccounts" });
  expect((await container({ publicAccess: "Blob" }, { exemptAccounts: ["ContosoSpeechDataProd"] })).messages).toEqual([]);
});

test("passes a private blob container, also one that leaves publicAccess to its default (None)", async () => {
  expect((await container({ publicAccess: "None" })).messages).toEqual([]);
  expect((await container({})).messages).toEqual([]);
});

test("fails a public blob container", async () => {
  expect((await container({ publicAccess: "Container" })).messages).toEqual([
    'Blob container "training-data-training-audio" allows anonymous reads: publicAccess is "Container". Set publicAccess: "None" (or leave it out).',
  ]);
});

test("does not fail on a container whose access or account is not known yet, and ignores other types", async () => {
  expect((await container({ publicAccess: UNKNOWN, accountName: UNKNOWN })).messages).toEqual([]);
  expect((await container({ publicAccess: "Blob", accountName: UNKNOWN })).messages).toHaveLength(1);
  const other = await runResource(policy, { type: "azure-native:storage:ManagementPolicy", name: "lifecycle", props: {} });
  expect(other.notApplicable).toBe(`only ${STORAGE} and ${CONTAINER} resources`);
});
