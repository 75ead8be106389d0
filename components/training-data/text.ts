// Streams a text file line by line (never the whole file in memory) and applies the encoding rules every
// text kind shares. Callers get decoded lines with 1-based numbers and add their own per-kind checks.
import * as fs from "fs";
import { isUtf8 } from "buffer";
import { problem, type Problem } from "./rules";

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
// C0 controls except tab (CR is stripped as part of CRLF line ends), DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

export interface TextScan {
  hasBom: boolean;
  lines: number;
  nonEmptyLines: number;
}

/**
 * Calls `onLine` for every valid UTF-8 line (BOM and line end stripped). Lines that are not UTF-8 or
 * hold control characters go to `report` instead.
 */
export async function scanTextLines(
  absPath: string,
  file: string,
  report: (p: Problem) => void,
  onLine: (text: string, line: number) => void,
): Promise<TextScan> {
  const scan: TextScan = { hasBom: false, lines: 0, nonEmptyLines: 0 };
  let first = true;
  const emit = (raw: Buffer) => {
    scan.lines++;
    let bytes = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
    if (first) {
      first = false;
      if (bytes.subarray(0, 3).equals(BOM)) {
        scan.hasBom = true;
        bytes = bytes.subarray(3);
      }
    }
    if (!isUtf8(bytes)) {
      report(problem("text-utf8", file, "line is not valid UTF-8; save the file as UTF-8", scan.lines));
      return;
    }
    const text = bytes.toString("utf8");
    const bad = CONTROL.exec(text);
    if (bad) {
      const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
      report(problem("text-control-char", file, `control character U+${code} at column ${bad.index + 1}`, scan.lines));
      return;
    }
    if (text.trim() !== "") scan.nonEmptyLines++;
    onLine(text, scan.lines);
  };
  // Pieces of the current line; joined once per line so long lines stay linear to read.
  let pending: Buffer[] = [];
  for await (const chunk of fs.createReadStream(absPath, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) !== -1) {
      const piece = chunk.subarray(start, nl);
      emit(pending.length ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  // A final line without a line end still counts; an empty tail after the last newline does not.
  if (pending.length) emit(Buffer.concat(pending));
  return scan;
}
