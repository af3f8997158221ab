// dockerlint for VS Code: starts `dockerlint lsp` over stdio with vscode-languageclient.
import { execFile } from "child_process";
import * as path from "path";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  Message,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { findServer, Found, isFound, Miss } from "./findServer";

const SECTION = "dockerlint";
const FIX_ALL_KIND = "source.fixAll.dockerlint";
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** What the server is asked to lint; the server itself decides whether a YAML or Python file is
 * a manifest, a Compose file, a Helm template or an IaC program, and stays quiet otherwise. */
export const documentSelector = [
  { scheme: "file", language: "dockerfile" },
  { scheme: "untitled", language: "dockerfile" },
  { scheme: "file", pattern: "**/{Dockerfile,Containerfile,Dockerfile.*,Containerfile.*,*.dockerfile,*.containerfile}" },
  { scheme: "file", language: "dockercompose" },
  { scheme: "file", language: "yaml" },
  { scheme: "file", language: "helm" },
  { scheme: "file", pattern: "**/templates/**/*.{yaml,yml,tpl}" },
  { scheme: "file", language: "python" },
];

let client: LanguageClient | undefined;
let serverCommand: string | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let starting: Promise<void> | undefined;

/** Restarts after a crash, at most `dockerlint.server.maxRestarts` within 3 minutes. */
class BoundedRestarts implements ErrorHandler {
  private restarts: number[] = [];

  error(_error: Error, _message: Message | undefined, count: number | undefined): ErrorHandlerResult {
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const max = vscode.workspace.getConfiguration(SECTION).get<number>("server.maxRestarts", 5);
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.restarts.length < max) {
      this.restarts.push(now);
      output.appendLine(`dockerlint lsp exited; restarting (${this.restarts.length} of ${max} within 3 minutes)`);
      return { action: CloseAction.Restart, handled: true };
    }
    output.appendLine(`dockerlint lsp exited ${this.restarts.length + 1} times within 3 minutes; not restarting`);
    void vscode.window
      .showErrorMessage(
        `The dockerlint language server stopped ${this.restarts.length + 1} times in 3 minutes and was not restarted.`,
        "Restart",
        "Show Output",
      )
      .then((choice) => {
        if (choice === "Restart") {
          void vscode.commands.executeCommand("dockerlint.restart");
        } else if (choice === "Show Output") {
          output.show();
        }
      });
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

/** The selected Python interpreter: the Python extension's choice, else `python.defaultInterpreterPath`. */
async function pythonInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (ext) {
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      const env = await api?.environments?.getActiveEnvironmentPath?.(resource);
      if (env?.path) {
        return env.path as string;
      }
      const exec = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
      if (Array.isArray(exec) && exec.length > 0) {
        return exec[0] as string;
      }
    } catch (e) {
      output.appendLine(`Python extension: could not read the selected interpreter: ${e}`);
    }
  }
  // Untrusted workspaces do not choose the program that runs: only the user's own value counts.
  const python = vscode.workspace.getConfiguration("python", resource);
  const configured = vscode.workspace.isTrusted
    ? python.get<string>("defaultInterpreterPath", "")
    : python.inspect<string>("defaultInterpreterPath")?.globalValue ?? "";
  if (configured && configured !== "python" && configured !== "python3") {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    let p = folder ? configured.split("${workspaceFolder}").join(folder) : configured;
    if (folder && !path.isAbsolute(p)) {
      p = path.resolve(folder, p);
    }
    return p;
  }
  return undefined;
}

async function locateServer(): Promise<Found | Miss> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const setting = vscode.workspace.getConfiguration(SECTION, folder?.uri).get<string>("path", "");
  return findServer({
    setting,
    interpreter: setting.trim() ? undefined : await pythonInterpreter(folder?.uri),
    workspaceFolder: folder?.uri.fsPath,
  });
}

function reportMissing(miss: Miss): void {
  const detail = miss.badSetting
    ? `dockerlint.path is set to "${miss.badSetting}", which is not an executable file.`
    : `No dockerlint executable was found (looked in: ${miss.tried.join(", ")}). ` +
      "Install it with `pip install dockerlint` in the selected Python environment, or set dockerlint.path.";
  showServerError(detail);
}

/** An error about the executable, with the way to fix it one click away. */
function showServerError(detail: string): void {
  output.appendLine(detail);
  void vscode.window.showErrorMessage(`dockerlint: ${detail}`, "Open Setting", "Show Output").then((choice) => {
    if (choice === "Open Setting") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "dockerlint.path");
    } else if (choice === "Show Output") {
      output.show();
    }
  });
}

async function startClient(): Promise<void> {
  const found = await locateServer();
  if (!isFound(found)) {
    serverCommand = undefined;
    reportMissing(found);
    return;
  }
  serverCommand = found.command;
  const debounce = vscode.workspace.getConfiguration(SECTION).get<number>("server.debounce", 150);
  output.appendLine(`Starting ${found.command} lsp (found via ${found.source})`);
  const run = { command: found.command, args: ["lsp", "--debounce", String(debounce)], transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    // didChangeConfiguration on every change of dockerlint.*; the server reads the values
    // per workspace folder through workspace/configuration.
    synchronize: { configurationSection: SECTION },
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: new BoundedRestarts(),
  };
  const c = new LanguageClient(SECTION, "dockerlint", serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (e) {
    showServerError(`${found.command} lsp failed to start (dockerlint 0.1.0 or later is needed): ${e}`);
    return;
  }
  const formatting = Boolean(c.initializeResult?.capabilities.documentFormattingProvider);
  await vscode.commands.executeCommand("setContext", "dockerlint.formattingAvailable", formatting);
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(5000);
    } catch (e) {
      output.appendLine(`stopping dockerlint lsp: ${e}`);
    }
  }
}

function restart(): Promise<void> {
  // One start or stop at a time; a failed one does not block the next.
  starting = (starting ?? Promise.resolve()).catch(() => undefined).then(async () => {
    await stopClient();
    await startClient();
  });
  return starting;
}

/** The codes of dockerlint's diagnostics under the cursor, the narrowest first. */
function rulesAtCursor(): string[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return [];
  }
  const pos = editor.selection.active;
  const size = (r: vscode.Range) => (r.end.line - r.start.line) * 1e6 + (r.end.character - r.start.character);
  const codes = vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.source === "dockerlint" && d.code !== undefined && d.range.contains(pos))
    .sort((a, b) => size(a.range) - size(b.range))
    .map((d) => (typeof d.code === "object" ? String(d.code.value) : String(d.code)));
  return [...new Set(codes)];
}

function runDockerlint(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!serverCommand) {
      reject(new Error("the dockerlint executable was not found (see dockerlint.path)"));
      return;
    }
    execFile(serverCommand, args, { maxBuffer: 16 * 1024 * 1024, timeout: 30000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${path.basename(serverCommand!)} ${args.join(" ")}: ${stderr || err.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Rule pages as read-only markdown documents: dockerlint-rule:/DL3007.md */
class RuleDocs implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const code = path.basename(uri.path, ".md");
    return runDockerlint(["rule", code, "--format", "markdown"]);
  }
}

async function showRuleDocumentation(code?: unknown): Promise<void> {
  let rule = typeof code === "string" && code ? code : undefined;
  const here = rule ? [] : rulesAtCursor();
  if (here.length === 1) {
    rule = here[0];
  } else if (here.length > 1) {
    rule = await vscode.window.showQuickPick(here, { placeHolder: "Rule under the cursor" });
    if (!rule) {
      return;
    }
  }
  if (!rule) {
    let rules: { code: string; name: string; summary: string }[];
    try {
      rules = JSON.parse(await runDockerlint(["rules", "--format", "json"]));
    } catch (e) {
      void vscode.window.showErrorMessage(`dockerlint: ${e instanceof Error ? e.message : e}`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      rules.map((r) => ({ label: r.code, description: r.name, detail: r.summary })),
      { placeHolder: "Rule", matchOnDescription: true },
    );
    rule = pick?.label;
  }
  if (!rule) {
    return;
  }
  const uri = vscode.Uri.from({ scheme: "dockerlint-rule", path: `/${rule}.md` });
  await vscode.commands.executeCommand("markdown.showPreview", uri);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("dockerlint");
  traceOutput = vscode.window.createOutputChannel("dockerlint (LSP trace)");
  context.subscriptions.push(output, traceOutput);
  await vscode.commands.executeCommand("setContext", "dockerlint.formattingAvailable", false);

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider("dockerlint-rule", new RuleDocs()),
    vscode.commands.registerCommand("dockerlint.restart", () => restart()),
    vscode.commands.registerCommand("dockerlint.showOutput", () => output.show()),
    vscode.commands.registerCommand("dockerlint.showRuleDocumentation", showRuleDocumentation),
    vscode.commands.registerCommand("dockerlint.fixAll", () =>
      vscode.commands.executeCommand("editor.action.sourceAction", { kind: FIX_ALL_KIND, apply: "first" }),
    ),
    // The server's document formatting (when it advertises it) through VS Code's own command,
    // so "Format Document", format-on-save and this command all do the same.
    vscode.commands.registerCommand("dockerlint.format", () => vscode.commands.executeCommand("editor.action.formatDocument")),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        e.affectsConfiguration("dockerlint.path") ||
        e.affectsConfiguration("dockerlint.server") ||
        (!vscode.workspace.getConfiguration(SECTION).get<string>("path") && e.affectsConfiguration("python.defaultInterpreterPath"))
      ) {
        void restart();
      }
    }),
  );
  const python = vscode.extensions.getExtension("ms-python.python");
  if (python) {
    void Promise.resolve(python.isActive ? python.exports : python.activate()).then((api) => {
      const event = api?.environments?.onDidChangeActiveEnvironmentPath;
      if (typeof event === "function") {
        context.subscriptions.push(
          event(() => {
            if (!vscode.workspace.getConfiguration(SECTION).get<string>("path")) {
              void restart();
            }
          }),
        );
      }
    }, () => undefined);
  }
  await restart();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
