// Drives a running code-server (a real VS Code) with headless Chromium through the dockerlint
// extension: diagnostics in the Problems view, a quick fix, "Fix all", rule documentation.
// Used by tests/test_vscode_extension.py, which starts code-server, checks the files on disk
// afterwards and reads the JSON this prints last.
//   node drive.mjs URL WORKSPACE OUTDIR
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const [url, workspace, outDir] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const result = { steps: [], problems: "", ok: false };
const step = (name, extra = {}) => {
  result.steps.push({ name, t: Date.now(), ...extra });
  console.error(`drive: ${name}`);
};
fs.mkdirSync(outDir, { recursive: true });

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "dockerlint-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
const consoleErrors = [];
page.on("console", (m) => {
  if (m.type() === "error") consoleErrors.push(m.text().slice(0, 300));
});

const shot = async (name) => {
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
};

async function runCommand(title) {
  const input = page.locator(".quick-input-widget input");
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press("F1");
    try {
      await input.waitFor({ state: "visible", timeout: 5000 });
      break;
    } catch (e) {
      // Keys went to a webview (the markdown preview): focus the Explorer's empty area, retry.
      if (attempt === 2) throw e;
      await page.mouse.click(150, 600);
    }
  }
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: 15000 });
  await row.click();
}

async function openFile(name) {
  // A double click keeps the editor open (a single click opens a preview the next file replaces).
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first().dblclick();
  await page.locator(".tab.active", { hasText: name }).waitFor({ timeout: 15000 });
  await page.locator(".monaco-editor .view-lines").first().waitFor();
}

async function gotoPosition(line, column) {
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
}

const dockerfile = () => fs.readFileSync(path.join(workspace, "Dockerfile"), "utf8");

/** The Dockerfile's content once it differs, on disk, from `before` (saving it if need be). */
async function savedChange(before) {
  const deadline = Date.now() + 20000;
  let saved = false;
  while (Date.now() < deadline) {
    if (dockerfile() !== before) return dockerfile();
    await page.waitForTimeout(500);
    if (!saved && (await page.locator(".tab.active.dirty").count()) > 0) {
      await page.keyboard.press("Control+S");
      saved = true;
    }
  }
  throw new Error(`the Dockerfile on disk did not change from:\n${before}`);
}

/** `dockerlint lsp` processes started by this code-server (its process group: $CODE_SERVER_PGID). */
function lspPids() {
  const pgid = Number(process.env.CODE_SERVER_PGID);
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5, the process group
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv.some((a) => a.endsWith("dockerlint")) && argv.includes("lsp")) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The one running server's pid, once it is not `previous`. */
async function lspPid(previous) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const pids = lspPids().filter((p) => p !== previous);
    if (pids.length === 1) return pids[0];
    await page.waitForTimeout(250);
  }
  throw new Error(`no (single) new dockerlint lsp process; running: ${lspPids()}`);
}

async function problemsText() {
  return (await page.locator(".markers-panel").first().innerText().catch(() => "")) || "";
}

async function waitForProblems(codes, timeout) {
  const deadline = Date.now() + timeout;
  let text = "";
  while (Date.now() < deadline) {
    text = await problemsText();
    if (codes.every((c) => text.includes(c))) return text;
    await page.waitForTimeout(500);
  }
  throw new Error(`Problems view lacks ${codes.filter((c) => !text.includes(c))}; it shows:\n${text}`);
}

try {
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 90000 });
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "Dockerfile" }).first().waitFor({ timeout: 90000 });
  step("workbench loaded");

  await openFile("Dockerfile");
  await openFile("pod.yaml");
  step("files opened");

  await page.keyboard.press("Control+Shift+M");
  await page.locator(".markers-panel").first().waitFor({ timeout: 15000 });
  // The list only renders the rows in view: give it the whole window while reading it.
  await runCommand("View: Toggle Maximized Panel");
  result.problems = await waitForProblems(["DL3014", "DL3007", "KS003", "KS001"], 90000);
  step("diagnostics in the Problems view");
  result.screenshot = await shot("problems");
  await runCommand("View: Toggle Maximized Panel");

  // Quick fix on DL3014 (apt-get install without -y): line 2, column 23.
  await page.locator(".tab", { hasText: "Dockerfile" }).first().click();
  await gotoPosition(2, 23);
  const before = dockerfile();
  await page.keyboard.press("Control+.");
  const fix = page.locator(".action-widget .monaco-list-row", { hasText: "DL3014" }).first();
  await fix.waitFor({ state: "visible", timeout: 20000 });
  result.quickFixMenu = await page.locator(".action-widget").first().innerText();
  await shot("quick-fix-menu");
  // Pick it with the keyboard, as a person would (the menu ignores synthetic clicks).
  for (let i = 0; i < 10; i++) {
    const focused = (await page.locator(".action-widget .monaco-list-row.focused").first().getAttribute("aria-label")) || "";
    if (focused.startsWith("Fix DL3014")) break;
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  // VS Code saves the files a code action edits (files.refactoring.autoSave); Ctrl+S in case not.
  result.afterQuickFix = await savedChange(before);
  step("quick fix applied and saved");

  // The extension's own command: fix all safe problems (DL3009's apt-lists cleanup remains).
  await page.waitForTimeout(1000); // let the server lint the fixed version first
  await runCommand("dockerlint: Fix all safe problems");
  result.afterFixAll = await savedChange(result.afterQuickFix);
  step("fix all applied and saved");

  // Rule documentation for the diagnostic under the cursor (DL3007 on `debian:latest`).
  await gotoPosition(1, 8);
  await runCommand("dockerlint: Show rule documentation");
  // DF001 (the whole FROM line), DL3007 and DF003 are all under the cursor: pick DL3007.
  const pick = page.locator(".quick-input-widget input");
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: "DL3007" }).first().waitFor({ timeout: 20000 });
  result.ruleChoices = await page.locator(".quick-input-widget .quick-input-list").first().innerText();
  await pick.fill("DL3007");
  await page.keyboard.press("Enter");
  await page.locator(".tab", { hasText: "DL3007" }).first().waitFor({ timeout: 20000 });
  result.ruleDocTab = await page.locator(".tab", { hasText: "DL3007" }).first().innerText();
  await page.locator(".tab", { hasText: "Dockerfile" }).first().click();
  step("rule documentation opened");

  // What the Problems view holds after the fixes.
  await runCommand("View: Toggle Maximized Panel");
  await page.waitForTimeout(500);
  result.finalProblems = await problemsText();
  await runCommand("View: Toggle Maximized Panel");

  // The server crashes: the extension starts a new one (dockerlint.server.maxRestarts is 1 here).
  const first = await lspPid();
  process.kill(first, "SIGKILL");
  const second = await lspPid(first);
  step("server restarted after a crash", { first, second });
  await page.locator(".tab", { hasText: "Dockerfile" }).first().click();
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("RUN apt-get install wget\n");
  await runCommand("View: Toggle Maximized Panel");
  result.problemsAfterRestart = await waitForProblems(["DL3014"], 30000);
  await runCommand("View: Toggle Maximized Panel");
  step("the restarted server lints edits");

  // A second crash within 3 minutes is one too many: no restart, an error offering one.
  process.kill(second, "SIGKILL");
  const toast = page.locator(".notification-toast", { hasText: "was not restarted" }).first();
  await toast.waitFor({ timeout: 20000 });
  result.crashNotice = await toast.innerText();
  await page.waitForTimeout(2000);
  result.serversAfterGivingUp = lspPids().length;
  await shot("gave-up");
  await toast.locator(".monaco-button", { hasText: "Restart" }).first().click();
  result.third = await lspPid(second);
  step("restarted from the notification");
  await runCommand("View: Toggle Maximized Panel");
  result.problemsAfterManualRestart = await waitForProblems(["DL3014", "KS003"], 30000);
  await runCommand("View: Toggle Maximized Panel");

  // The final picture: the editor and the Problems view.
  await page.locator(".tab", { hasText: "pod.yaml" }).first().click();
  result.finalScreenshot = await shot("final");

  // dockerlint.path pointing nowhere: no server, an error that says so and opens the setting.
  // (In the workspace's .vscode/settings.json, as a project would set it.)
  fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
  fs.writeFileSync(path.join(workspace, ".vscode", "settings.json"), JSON.stringify({ "dockerlint.path": "/nonexistent/bin/dockerlint" }));
  const missing = page.locator(".notification-toast", { hasText: "not an executable file" }).first();
  await missing.waitFor({ timeout: 30000 });
  result.missingNotice = await missing.innerText();
  result.serversWithBadPath = lspPids().length;
  await shot("missing-executable");
  await missing.locator(".monaco-button", { hasText: "Open Setting" }).first().click();
  const item = page.locator(".settings-editor .setting-item-contents", { hasText: "The dockerlint executable" }).first();
  await item.waitFor({ timeout: 20000 });
  result.settingShown = await item.innerText();
  step("missing executable reported, setting opened");
  result.ok = true;
} catch (e) {
  result.error = String(e && e.stack ? e.stack : e);
  result.failureScreenshot = await shot("failure").catch(() => undefined);
} finally {
  result.consoleErrors = consoleErrors.slice(0, 20);
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
