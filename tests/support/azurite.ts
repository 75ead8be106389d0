// Starts a real Azurite blob service from node_modules on a free port with its own temporary folder.
// Azurite listens on port 0 and prints the address it got, so there is no port race.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface RunningAzurite {
  /** Account-key connection string for Azurite's well-known public development account. */
  connectionString: string;
  /** http://127.0.0.1:PORT/devstoreaccount1 */
  blobEndpoint: string;
  stop(): Promise<void>;
}

// Azurite's documented development account; the key is public and only works against the emulator.
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export async function startAzurite(options: { startTimeoutMs?: number } = {}): Promise<RunningAzurite> {
  const location = await fs.promises.mkdtemp(path.join(os.tmpdir(), "azurite-"));
  const main = require.resolve("azurite/dist/src/blob/main.js");
  const child = spawn(
    process.execPath,
    [main, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", location, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(forced);
    }
    await fs.promises.rm(location, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${options.startTimeoutMs ?? 30000} ms:\n${output}`)), options.startTimeoutMs ?? 30000);
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = /successfully listens on (http:\/\/[^\s]+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          child.stdout!.off("data", onData);
          child.stderr!.off("data", onData);
          resolve(m[1].replace(/\/$/, ""));
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited with code ${code}:\n${output}`));
      });
    });
    // Keep draining output so a chatty Azurite never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
    const blobEndpoint = `${url}/${AZURITE_ACCOUNT}`;
    return {
      blobEndpoint,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
      stop: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
