// The policy pack: `pulumi preview --policy-pack policy` (docs/policy.md). Only this file starts the analyzer.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./pack";

new PolicyPack(PACK_NAME, packArgs);
