/**
 * Azure regions with dedicated hardware for Custom Speech training, kept as data with its sources.
 *
 * Training with audio only runs well (or at all) in these regions; a model trained here can be copied to a
 * Speech resource anywhere else (an "inference-only" copy target), which is why such accounts skip the check.
 */
import { ValidationError, problem } from "./domain";

export interface RegionSource {
  title: string;
  url: string;
  regions: readonly string[];
}

/** The sources, kept separately so a reviewer can compare each list with its page. */
export const TRAINING_REGION_SOURCES: readonly RegionSource[] = [
  {
    title: "Speech service regions, 'Custom speech training' column (azure-ai-docs @01850fbb)",
    url: "https://learn.microsoft.com/azure/ai-services/speech-service/regions",
    regions: [
      "australiaeast", "canadacentral", "centralindia", "eastasia", "eastus", "eastus2", "francecentral",
      "japaneast", "koreacentral", "northeurope", "southcentralus", "southeastasia", "switzerlandnorth",
      "uksouth", "westeurope", "westus", "westus2", "westus3",
    ],
  },
  {
    title: "What is Custom Speech? (custom-speech-overview, ms.date 01/23/2022)",
    url: "https://learn.microsoft.com/azure/ai-services/speech-service/custom-speech-overview",
    regions: [
      "australiaeast", "canadacentral", "centralindia", "eastus", "eastus2", "northcentralus", "northeurope",
      "southcentralus", "southeastasia", "uksouth", "usgovarizona", "usgovvirginia", "westeurope", "westus2",
    ],
  },
];

/** The union of every source, sorted. Extend it with `additionalTrainingRegions` as Microsoft adds regions. */
export const TRAINING_REGIONS: readonly string[] = [
  ...new Set(TRAINING_REGION_SOURCES.flatMap((s) => s.regions)),
].sort();

/** "East US 2" and "eastus2" name the same region; ARM accepts both. */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}

/** The allowed training regions, extended by config. */
export function trainingRegions(additional: readonly string[] = []): string[] {
  return [...new Set([...TRAINING_REGIONS, ...additional.map(normalizeRegion)])].sort();
}

export interface RegionCheckOptions {
  /** Extra regions Microsoft has added since the list above was written. */
  additionalTrainingRegions?: readonly string[];
  /** An account that only serves copied models needs no training hardware. */
  inferenceOnly?: boolean;
  /** The property named in the error message. */
  property?: string;
}


/**
 * Returns the normalized region, or throws an error that names the property and lists the allowed regions.
 */
export function validateTrainingRegion(region: string, options: RegionCheckOptions = {}): string {
  const property = options.property ?? "location";
  if (typeof region !== "string" || region.trim() === "") {
    throw new ValidationError(property, `${property} is required: an Azure region such as "eastus".`);
  }
  const normalized = normalizeRegion(region);
  if (options.inferenceOnly) return normalized;
  const allowed = trainingRegions(options.additionalTrainingRegions);
  const message = problem(property, normalized, (v) => (allowed.includes(v as string) ? undefined : `a region with dedicated Custom Speech training hardware, one of ${allowed.join(", ")}`));
  if (message) {
    throw new ValidationError(
      property,
      `${message}. Declare the account inferenceOnly (a model-copy target) to use another region, ` +
        `or add a region Microsoft has since enabled with additionalTrainingRegions.`,
    );
  }
  return normalized;
}
