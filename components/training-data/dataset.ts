// A dataset as the user describes it (a folder, a kind, a locale, a name) and the file listing every later
// step works from: validation, the content fingerprint and packaging all read the same sorted list.
import * as path from "path";
import * as fs from "fs";
import { promises as fsp } from "fs";
import {
  containerFor,
  defaultPurpose,
  parseContainer,
  parseKind,
  parseLocale,
  parseName,
  parsePurpose,
  type ContainerLayout,
  type DatasetKind,
  type Purpose,
} from "./kinds";
import { problem, type Problem } from "./rules";

export interface DatasetSpec {
  /** Manifest key and blob path segment. */
  name: string;
  /** Local folder holding the dataset's files. */
  dir: string;
  kind: DatasetKind | string;
  locale: string;
  /** training (default) or test; picks the default container for audio. */
  purpose?: Purpose | string;
  /** Overrides the container the kind and purpose pick. */
  container?: string;
}

export interface ResolvedDataset {
  name: string;
  dir: string;
  kind: DatasetKind;
  locale: string;
  purpose: Purpose;
  container: string;
}

/** Checks every property and fills in defaults; throws a ValidationError naming the bad property. */
export function resolveDataset(spec: DatasetSpec, layout: Partial<ContainerLayout> = {}, where = ""): ResolvedDataset {
  const p = (prop: string) => `${where}${prop}`;
  const kind = parseKind(spec.kind, p("kind"));
  const purpose = spec.purpose === undefined ? defaultPurpose(kind) : parsePurpose(spec.purpose, p("purpose"));
  return {
    name: parseName(spec.name, p("name")),
    dir: path.resolve(spec.dir),
    kind,
    locale: parseLocale(spec.locale, p("locale")),
    purpose,
    container: spec.container === undefined ? containerFor(kind, purpose, layout) : parseContainer(spec.container, p("container")),
  };
}

export interface LocalFile {
  /** Name inside the dataset folder, which is also the zip entry name. */
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export interface DatasetListing {
  dataset: ResolvedDataset;
  /** Regular files at the folder root, sorted by name (code-unit order, so every platform agrees). */
  files: LocalFile[];
  /** Layout problems: missing folder, subfolders. */
  problems: Problem[];
}

/** Hidden files (.DS_Store, editor swap files) are left out of the dataset. */
const isHidden = (name: string) => name.startsWith(".");

export async function listDataset(dataset: ResolvedDataset): Promise<DatasetListing> {
  const problems: Problem[] = [];
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dataset.dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push(problem("layout-missing", ".", code === "ENOTDIR" ? `${dataset.dir} is not a folder` : `folder ${dataset.dir} does not exist`));
    return { dataset, files: [], problems };
  }
  const names: string[] = [];
  for (const e of entries) {
    if (isHidden(e.name)) continue;
    if (e.isDirectory()) problems.push(problem("layout-subfolder", e.name, "subfolders are not allowed: put every file at the dataset folder root"));
    else if (e.isFile() || e.isSymbolicLink()) names.push(e.name);
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Synchronous stats: thousands of them through the thread pool take several times longer.
  const files = names.map((name) => {
    const full = path.join(dataset.dir, name);
    const st = fs.statSync(full);
    return { name, path: full, size: st.size, mtimeMs: Math.trunc(st.mtimeMs), isFile: st.isFile() };
  });
  return {
    dataset,
    files: files.filter((f) => f.isFile).map(({ isFile: _isFile, ...f }) => f),
    problems,
  };
}
