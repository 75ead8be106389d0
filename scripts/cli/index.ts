// The contract every command-line tool of the package keeps (README "Command-line tools"): one set of exit codes,
// the same `--help` footer listing them, and one place that turns an error into a code and a message on stderr —
// with credentials removed, since a message may quote a connection string or a service's answer.
import { Command, CommanderError } from "commander";
import { ValidationError, redact } from "../../components/domain";

export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad input on the command line or in a file it names; the message names the option or the file and what is allowed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A service could not be reached, or refused the credentials: the input may be fine, retrying elsewhere may help. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreachableError";
  }
}

/** What code 1 and code 3 mean for one command (0 and 2 mean the same everywhere). */
export interface ExitMeanings {
  failed: string;
  /** Left out for a command that reaches no service. */
  unreachable?: string;
}

/** The `--help` footer: every exit code the command can return. */
export function exitCodesHelp(m: ExitMeanings): string {
  const lines = [`  ${EXIT.ok}  done`, `  ${EXIT.failed}  ${m.failed}`, `  ${EXIT.usage}  usage or bad input (the message names the option or the file)`];
  if (m.unreachable) lines.push(`  ${EXIT.unreachable}  ${m.unreachable}`);
  return `\nExit codes:\n${lines.join("\n")}\n`;
}

/** A commander program that keeps the contract: the exit-code footer, and errors thrown to `runCommand` instead of exiting. */
export function command(name: string, description: string, exits: ExitMeanings): Command {
  return new Command(name)
    .description(description)
    .addHelpText("after", exitCodesHelp(exits))
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** The exit code an error stands for. */
export function exitCodeOf(e: unknown): ExitCode {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (e instanceof UsageError || e instanceof ValidationError) return EXIT.usage;
  if (e instanceof UnreachableError) return EXIT.unreachable;
  return EXIT.failed;
}

export interface RunOptions {
  stderr?: { write(text: string): unknown };
  /** Values never to print (keys given on the command line or in the environment); a function when the options say. */
  secrets?: readonly (string | undefined)[] | (() => readonly (string | undefined)[]);
}

/**
 * Runs a command's body and returns its exit code: what the body returns (0 when nothing), or the code of what it
 * threw, with the message on stderr. Commander has already printed its own usage errors and the help.
 */
export async function runCommand(name: string, body: () => Promise<number | void>, o: RunOptions = {}): Promise<number> {
  const stderr = o.stderr ?? process.stderr;
  try {
    return (await body()) ?? EXIT.ok;
  } catch (e) {
    const code = exitCodeOf(e);
    if (!(e instanceof CommanderError)) {
      const message = redact(e instanceof Error ? e.message : String(e), typeof o.secrets === "function" ? o.secrets() : (o.secrets ?? []));
      stderr.write(`${name}: ${code === EXIT.usage ? "error: " : ""}${message}${code === EXIT.usage ? "\n(see --help)" : ""}\n`);
    }
    return code;
  }
}

/** The `require.main === module` entry: runs `main` on the process's arguments and exits with its code. */
export function runMain(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      // `main` keeps the contract through runCommand; this is the last resort for a bug in the tool itself.
      process.stderr.write(`${redact(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
      process.exit(EXIT.failed);
    },
  );
}
