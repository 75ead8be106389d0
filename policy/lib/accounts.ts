// Which cognitiveservices Accounts are Speech accounts to the pack, and how a message names one.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { ACCOUNT_ROLE_TAG } from "../../components/domain";
import { SPEECH_ACCOUNT } from "./types";
import { at, isUnknown, knownString, plain, type Props } from "./values";

export { ACCOUNT_ROLE_TAG };

export interface SpeechAccountView {
  props: Props;
  /** The Pulumi resource name and, when known and different, the Azure account name. */
  label: string;
  /** The names config lists may use for it: the Pulumi resource name and the Azure account name. */
  names: string[];
  /** The role tag's value, undefined when absent, or the unknown placeholder. */
  role: unknown;
}

/**
 * Kind SpeechServices is always a Speech account; an account of another kind (AIServices, CognitiveServices) is one
 * when it carries the role tag, which says it is used for Custom Speech. Anything else is not applicable, as is an
 * account whose kind is not known yet (it is analyzed again, known, before it is created).
 */
export function speechAccountOf(args: ResourceValidationArgs): SpeechAccountView {
  if (args.type !== SPEECH_ACCOUNT) args.notApplicable(`only ${SPEECH_ACCOUNT} resources`);
  const props = plain(args.props);
  const kind = props.kind;
  const role = at(props.tags, ACCOUNT_ROLE_TAG);
  if (isUnknown(kind)) args.notApplicable("the account's kind is not known yet");
  if (!(typeof kind === "string" && kind.toLowerCase() === "speechservices")) {
    if (role === undefined) args.notApplicable(`kind ${String(kind)} without the ${ACCOUNT_ROLE_TAG} tag: not used for Custom Speech`);
    if (isUnknown(role)) args.notApplicable(`kind ${String(kind)} whose tags are not known yet: whether it is used for Custom Speech is decided when they are`);
  }
  const accountName = knownString(props.accountName);
  const label = accountName && accountName !== args.name ? `"${args.name}" (account ${accountName})` : `"${args.name}"`;
  return { props, label, names: [args.name, ...(accountName ? [accountName] : [])], role };
}

/** Whether a config list names this resource (its Pulumi or Azure name, ignoring case). */
export function listed(list: readonly string[], names: readonly string[]): boolean {
  return list.some((l) => names.some((n) => n.toLowerCase() === l.toLowerCase()));
}
