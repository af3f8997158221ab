// Where the `dockerlint` executable is: no `vscode` import here, so this runs (and is tested)
// under plain Node too.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export type Source = "setting" | "interpreter" | "PATH";

export interface Found {
  command: string;
  source: Source;
}

export interface Lookup {
  /** `dockerlint.path`, as the user wrote it ("" when unset). */
  setting: string;
  /** The selected Python interpreter (its executable), if any. */
  interpreter?: string;
  /** The first workspace folder's path, for `${workspaceFolder}` and relative settings. */
  workspaceFolder?: string;
  /** process.env.PATH unless given. */
  envPath?: string;
  platform?: NodeJS.Platform;
}

export interface Miss {
  /** Every place that was looked at, in order, for the error message. */
  tried: string[];
  /** Set when `dockerlint.path` was given but is not an executable file. */
  badSetting?: string;
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function names(platform: NodeJS.Platform): string[] {
  return platform === "win32" ? ["dockerlint.exe", "dockerlint.cmd", "dockerlint.bat", "dockerlint"] : ["dockerlint"];
}

export function expandSetting(value: string, workspaceFolder?: string): string {
  let v = value.trim();
  if (v === "~" || v.startsWith("~/")) {
    v = path.join(os.homedir(), v.slice(1));
  }
  if (workspaceFolder) {
    v = v.split("${workspaceFolder}").join(workspaceFolder);
    if (!path.isAbsolute(v)) {
      v = path.resolve(workspaceFolder, v);
    }
  }
  return v;
}

/** The directories of an interpreter's environment where its console scripts are. */
export function interpreterBinDirs(interpreter: string, platform: NodeJS.Platform): string[] {
  const dir = path.dirname(interpreter);
  if (platform === "win32") {
    // venv: <env>\Scripts\python.exe; a base install: <prefix>\python.exe + <prefix>\Scripts
    return path.basename(dir).toLowerCase() === "scripts" ? [dir] : [path.join(dir, "Scripts"), dir];
  }
  return [dir];
}

export function findServer(lookup: Lookup): Found | Miss {
  const platform = lookup.platform ?? process.platform;
  const tried: string[] = [];
  if (lookup.setting.trim()) {
    const candidate = expandSetting(lookup.setting, lookup.workspaceFolder);
    if (isExecutable(candidate, platform)) {
      return { command: candidate, source: "setting" };
    }
    // An explicit setting that is wrong is an error of its own: no silent fallback.
    return { tried: [candidate], badSetting: candidate };
  }
  if (lookup.interpreter) {
    for (const dir of interpreterBinDirs(lookup.interpreter, platform)) {
      for (const name of names(platform)) {
        const candidate = path.join(dir, name);
        tried.push(candidate);
        if (isExecutable(candidate, platform)) {
          return { command: candidate, source: "interpreter" };
        }
      }
    }
  }
  const envPath = lookup.envPath ?? process.env.PATH ?? "";
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    for (const name of names(platform)) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate, platform)) {
        return { command: candidate, source: "PATH" };
      }
    }
  }
  tried.push("PATH");
  return { tried };
}

export function isFound(r: Found | Miss): r is Found {
  return (r as Found).command !== undefined;
}
