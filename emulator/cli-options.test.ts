// The emulator CLI's scenario and fault options (--wer-scenario, --base-wer, --custom-wer, --fault-rate, --reset-rate,
// --latency, --fault-seed): parsed and started the way `npm run emulator` does, in-process (cli.test.ts spawns the CLI).
import { CommanderError } from "commander";
import { parseEmulatorArgs, startFromArgs } from "./cli";
import { acousticDataset, idOf, speech, trainedModel } from "./testing";
import type { RunningEmulator } from "./types";

const errorOf = (argv: string[]): string => {
  try {
    parseEmulatorArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(CommanderError);
    return (e as Error).message;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
};

describe("invalid values are refused, naming the option and what it allows", () => {
  test.each([
    [["--wer-scenario", "worse"], "--wer-scenario", "'worse' is not a WER scenario; allowed: default, gate-fails, small-gain"],
    [["--fault-rate", "2"], "--fault-rate", "'2' is not a share from 0 to 1"],
    [["--reset-rate", "-0.1"], "--reset-rate", "is not a share from 0 to 1"],
    [["--latency", "fast"], "--latency", "'fast' is not a whole number of milliseconds from 0 to 600000"],
    [["--latency", "2.5"], "--latency", "not a whole number of milliseconds"],
    [["--base-wer", "150"], "--base-wer", "'150' is not a WER in percent from 0 to 100"],
    [["--custom-wer", ""], "--custom-wer", "is not a WER in percent from 0 to 100"],
    [["--fault-seed", "x"], "--fault-seed", "is not a whole number from 0 to 4294967295"],
  ])("%j", (argv, option, message) => {
    const text = errorOf(argv);
    expect(text).toContain(option);
    expect(text).toContain(message);
  });

  test("valid values become the emulator's options, and faults are only set when asked for", () => {
    expect(parseEmulatorArgs(["--fault-rate", "0.05", "--latency", "20", "--fault-seed", "9"]).options.faults).toEqual({ serverErrorRate: 0.05, latencyMs: 20, seed: 9 });
    expect(parseEmulatorArgs([]).options.faults).toBeUndefined();
    expect(parseEmulatorArgs(["--wer-scenario", "small-gain", "--custom-wer", "4"]).scenario).toEqual({ baseModelWordErrorRate: 11, customModelWordErrorRate: 4 });
  });
});

describe("started from the command line", () => {
  let emu: RunningEmulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  /** WER1 (base model) and WER2 (a custom model trained now) of an evaluation, as fractions. */
  async function evaluate(e: RunningEmulator): Promise<[number, number]> {
    const api = speech(e);
    const { model } = await trainedModel(api);
    const audio = await acousticDataset(api);
    const created = await api.post("/evaluations", { displayName: "gate", locale: "en-US", model1: { self: model.baseModel.self }, model2: { self: model.self }, dataset: { self: audio.self } });
    const p = (await api.get(`/evaluations/${idOf(created.body.self)}`)).body.properties;
    return [p.wordErrorRate1, p.wordErrorRate2];
  }

  test("without options the evaluation scores the default scenario (12 % base, 8 % custom)", async () => {
    ({ emu } = await startFromArgs(["--port", "0"]));
    expect(await evaluate(emu)).toEqual([0.12, 0.08]);
  });

  test("--wer-scenario gate-fails makes the custom model score 15 %, and --custom-wer overrides it", async () => {
    const started = await startFromArgs(["--port", "0", "--wer-scenario", "gate-fails"]);
    emu = started.emu;
    expect(started.lines).toContain("WER scenario gate-fails: custom models 15 %, base models 12 %");
    expect(await evaluate(emu)).toEqual([0.12, 0.15]);
    await emu.stop();
    ({ emu } = await startFromArgs(["--port", "0", "--wer-scenario", "gate-fails", "--custom-wer", "6.5", "--base-wer", "20"]));
    expect(await evaluate(emu)).toEqual([0.2, 0.065]);
  });

  test("--fault-rate 1 answers every request 500 or 503; --latency delays each answer", async () => {
    const started = await startFromArgs(["--port", "0", "--fault-rate", "1", "--fault-seed", "3"]);
    emu = started.emu;
    expect(started.lines.join("\n")).toContain("faults: 100 % of requests answered 500/503, 0 % reset, +0 ms latency, seed 3");
    const statuses = await Promise.all(Array.from({ length: 6 }, () => speech(emu!).get("/projects").then((r) => r.status)));
    for (const s of statuses) expect([500, 503]).toContain(s);
    await emu.stop();

    ({ emu } = await startFromArgs(["--port", "0", "--latency", "300"]));
    const t0 = Date.now();
    expect((await speech(emu).get("/projects")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});
