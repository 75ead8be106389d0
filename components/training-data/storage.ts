// Where training data goes: a storage account reached with Entra ID (DefaultAzureCredential by default) or
// with a connection string (Azurite's `UseDevelopmentStorage=true` is the local default), and read-only
// SAS URLs for accounts the Speech service cannot reach with trusted-service access.
import type { TokenCredential } from "@azure/core-auth";
import { BlobSASPermissions, BlobServiceClient, StorageSharedKeyCredential, type BlobClient } from "@azure/storage-blob";
import { ValidationError, ensure, number } from "../domain";

export const DEVELOPMENT_STORAGE = "UseDevelopmentStorage=true";

export type StorageTarget = { connectionString: string } | { accountUrl: string; credential?: TokenCredential };

export function blobServiceClient(target: StorageTarget | BlobServiceClient): BlobServiceClient {
  if (target instanceof BlobServiceClient) return target;
  if ("connectionString" in target) {
    try {
      return BlobServiceClient.fromConnectionString(target.connectionString);
    } catch {
      // The SDK's message may quote the string, which can hold a key: say what is wrong without it.
      throw new ValidationError("connectionString", "connectionString must be an Azure Storage connection string (AccountName=…;AccountKey=…, BlobEndpoint=…, or UseDevelopmentStorage=true); the value given is not one (not shown: it may hold a key).");
    }
  }
  let url: URL;
  try {
    url = new URL(target.accountUrl);
  } catch {
    throw new ValidationError("accountUrl", `accountUrl must be an absolute URL such as https://<account>.blob.core.windows.net; got ${JSON.stringify(target.accountUrl)}.`);
  }
  if (url.search) throw new ValidationError("accountUrl", "accountUrl must be a URL without a query (no SAS: use a connection string or Entra ID).");
  // Loaded on demand: @azure/identity is heavy and connection-string runs (Azurite) never need it.
  const credential = target.credential ?? new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
  return new BlobServiceClient(url.toString().replace(/\/$/, ""), credential);
}

export const MAX_SAS_MINUTES = 7 * 24 * 60; // user-delegation keys live at most 7 days

/**
 * A read-only SAS URL for one blob that expires after `minutes`. With Entra ID it is a user-delegation SAS
 * (no account key involved); with an account-key connection string (Azurite) it is a service SAS.
 */
export async function readOnlySasUrl(service: BlobServiceClient, blob: BlobClient, minutes: number, now = new Date()): Promise<{ url: string; expiresOn: string }> {
  ensure("sasMinutes", minutes, number(1, MAX_SAS_MINUTES, { integer: true }));
  // Start a little in the past: the service's clock may be behind ours.
  const startsOn = new Date(now.getTime() - 5 * 60_000);
  const expiresOn = new Date(now.getTime() + minutes * 60_000);
  const options = { permissions: BlobSASPermissions.parse("r"), startsOn, expiresOn };
  const url =
    blob.credential instanceof StorageSharedKeyCredential
      ? await blob.generateSasUrl(options)
      : await blob.generateUserDelegationSasUrl(options, await service.getUserDelegationKey(startsOn, expiresOn));
  return { url, expiresOn: expiresOn.toISOString() };
}

/** Removes keys and SAS signatures from text that may be printed (error messages carry request URLs). */
export { redact } from "../domain/redact";
