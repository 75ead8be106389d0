// Bad input to the program (config, component args, a missing data file) is the user's to fix, not a crash of ours:
// Pulumi prints a RunError's message alone, where any other error comes as "failed with an unhandled exception"
// and a stack trace of our code.
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "./domain";

/** Bad input the user fixes (a setting, an argument, a missing file): the CLI prints its message without a stack trace. */
export class InputError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Runs a component's input checks; a ValidationError of the shared validators becomes an InputError. */
export function checkedInput<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof ValidationError) throw new InputError(e.message);
    throw e;
  }
}
