// The evaluation report of a 1,000-file evaluation, from the emulator to HTML: listing and downloading the 2,000
// score files and the test set's data zip (1,000 short WAVs), aligning every file, and writing HTML, Markdown and
// JSON. `reportBytesPer1000Files` is the HTML without audio (the audio a report embeds is the test set's own size).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildReport, collectEvaluation, renderHtml, writeReport } from "../components/evaluation-report";
import { SpeechClient } from "../components/speech-api";
import { makeWav } from "../components/training-data/wav";
import { startEmulator } from "../emulator";
import { evaluationOf, packagedFolder, speech, trainedModel, uploadedDataset } from "../emulator/testing";

const FILES = 1000;
const VOCABULARY = "account balance billing cancel card charge customer delivery email help internet invoice line modem number order password payment phone plan please refund reset service speed subscription support thank transfer upgrade want".split(" ");

/** A test set of short clips with ~12-word transcripts, the same every run. */
function testSet(dir: string): void {
  let s = 17;
  const r = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const name = `call-${String(i).padStart(4, "0")}.wav`;
    fs.writeFileSync(path.join(dir, name), makeWav({ durationMs: 200, seed: i }));
    lines.push(`${name}\t${Array.from({ length: 10 + Math.floor(r() * 5) }, () => VOCABULARY[Math.floor(r() * VOCABULARY.length)]).join(" ")}`);
  }
  fs.writeFileSync(path.join(dir, "trans.txt"), lines.join("\n") + "\n");
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function (): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-bench-"));
  const emu = await startEmulator({ durations: { dataset: 0, model: 0, evaluation: 0, endpoint: 0 }, rateLimit: false });
  try {
    const data = path.join(dir, "data");
    fs.mkdirSync(data);
    testSet(data);
    const api = speech(emu);
    const dataset = await uploadedDataset(api, await packagedFolder(data));
    const { model } = await trainedModel(api);
    await wait(50);
    const evaluation = await evaluationOf(api, dataset.self, model.self);
    await wait(50);
    const client = new SpeechClient({ endpoint: emu.resources.speech.endpoint, key: emu.resources.speech.key }, { rateLimit: false });

    const started = process.hrtime.bigint();
    const inputs = await collectEvaluation(client, evaluation.self, { maxTotalAudioBytes: 64 * 1024 * 1024 });
    const written = writeReport(inputs, path.join(dir, "out"), "en-US");
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (written.report.files.length !== FILES || written.report.files.some((f) => !f.model2 || f.reference === undefined)) {
      throw new Error(`the report holds ${written.report.files.length} files, not ${FILES} complete ones: ${inputs.notes.join(" ")}`);
    }
    const withoutAudio = renderHtml(buildReport({ ...inputs, files: inputs.files.map(({ audio: _audio, ...f }) => f) }));
    return {
      reportSecondsFor1000Files: Number(seconds.toFixed(2)),
      reportBytesPer1000Files: Buffer.byteLength(withoutAudio),
      reportHtmlBytesWithAudioPer1000Files: fs.statSync(written.html).size,
    };
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
