// The provider process is a child of the Pulumi CLI (the engine starts its plugins in process groups of their own).
// When the CLI dies — `kill -9`, a machine or CI job torn down — this process lives on, orphaned, and nothing will ever
// receive what it does next. It must not finish a create: the hand-over tag it would write makes the entity look
// owned, and the next run, whose state only records the create as interrupted, would then make a second one (a second
// training). So an orphaned provider exits, leaving the entity `pending` for the next run to adopt.

/** Exit status of a provider that found its engine gone (EX_SOFTWARE-like; nobody reads it). */
const ORPHANED_EXIT = 70;

let parent: number | undefined;

/** Starts watching the engine: called once the engine configures this provider (it always does, first). */
export function watchEngine(intervalMs = 250): void {
  if (parent !== undefined) return;
  parent = process.ppid;
  setInterval(exitIfEngineGone, intervalMs).unref();
}

/** Whether the process that started this one is gone (the orphan is re-parented). */
export function engineGone(): boolean {
  return parent !== undefined && process.ppid !== parent;
}

/** Called right before anything is handed over to the engine, and on a timer. */
export function exitIfEngineGone(): void {
  if (engineGone()) process.exit(ORPHANED_EXIT);
}
