"""The pygls language server behind `dockerlint lsp`.

Every piece of state lives on the server instance (one per process): open documents with their
pending lint task and last snapshot, the config cache, the workspace settings. Linting runs in
one worker thread so the event loop keeps answering; a snapshot is published only while its
document version is still the current one.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from dockerlint import __version__
from dockerlint.lsp.config import CONFIG_NAMES, ConfigCache, WorkspaceSettings
from dockerlint.lsp.features import (
    FIX_ALL_KIND,
    Snapshot,
    analyze,
    code_actions,
    formatting_edits,
    hover,
    uri_to_path,
)

log = logging.getLogger("dockerlint.lsp.command")
CONFIG_GLOB = "**/{" + ",".join(sorted(CONFIG_NAMES)) + "}"


@dataclass
class OpenDocument:
    """An open document: its language, the analysis under way and the last one done."""

    language_id: str | None
    task: asyncio.Task | None = None
    snapshot: Snapshot | None = None


class _Answered:
    """A request already answered with an error while it was being read."""


class DockerlintProtocol(LanguageServerProtocol):
    """pygls' protocol, except that a request whose params do not fit its method (hover with
    `"textDocument": 42`) gets the JSON-RPC error reply the client waits for (-32602 Invalid
    Params, with the request's id). pygls raises while reading such a message, before it knows
    it is a request, and only shows a `window/showMessage`: the request stayed unanswered."""

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if not (isinstance(data, dict) and isinstance(data.get("method"), str) and "id" in data):
                raise  # a notification or a response: nobody waits for an answer
            msg_id = data["id"] if isinstance(data["id"], (int, str)) and not isinstance(data["id"], bool) else None
            if msg_id is None:  # an id that cannot be used: JSON-RPC answers with "id": null (pygls leaves out a None)
                self._send_data({"jsonrpc": "2.0", "id": None, "error": exc.to_response_error()})
            else:
                self._send_response(msg_id, error=exc.to_response_error())
            return _Answered()

    def handle_message(self, message):
        if not isinstance(message, _Answered):
            super().handle_message(message)


class DockerlintServer(LanguageServer):
    def __init__(self, debounce_seconds: float = 0.15):
        super().__init__(
            "dockerlint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Full,
            protocol_cls=DockerlintProtocol,
        )
        self.debounce_seconds = debounce_seconds
        self.open_documents: dict[str, OpenDocument] = {}
        self.configs = ConfigCache()
        self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dockerlint-lint")

    # ---- helpers ------------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    def supports_versioned_edits(self) -> bool:
        caps = self.client_capabilities.workspace
        return bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)

    def current(self, uri: str) -> tuple[str, int | None] | None:
        if uri not in self.open_documents:
            return None
        doc = self.workspace.get_text_document(uri)
        return doc.source, doc.version

    def analyze_now(self, uri: str) -> Snapshot | None:
        """The snapshot of the current version, computed here if the last lint is stale."""
        state = self.open_documents.get(uri)
        current = self.current(uri)
        if state is None or current is None:
            return None
        text, version = current
        if state.snapshot is not None and state.snapshot.version == version and state.snapshot.text == text:
            return state.snapshot
        previous = state.snapshot.kind if state.snapshot is not None else None
        state.snapshot = analyze(uri, version, text, state.language_id, self.configs, self.encoding, previous, self.chart_texts(uri))
        return state.snapshot

    def schedule(self, uri: str, delay: float) -> None:
        state = self.open_documents.get(uri)
        if state is None:
            return
        if state.task is not None and not state.task.done():
            state.task.cancel()  # stale: a newer version is coming
        state.task = asyncio.ensure_future(self._lint_and_publish(uri, delay))

    async def _lint_and_publish(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        state = self.open_documents.get(uri)
        current = self.current(uri)
        if state is None or current is None:
            return
        text, version = current
        previous = state.snapshot.kind if state.snapshot is not None else None
        loop = asyncio.get_running_loop()
        try:
            snapshot = await loop.run_in_executor(
                self.linter, analyze, uri, version, text, state.language_id, self.configs, self.encoding, previous,
                self.chart_texts(uri),
            )
        except Exception:  # a crash must not take the server down; the log says what happened
            log.exception("linting %s failed", uri)
            return
        if self.open_documents.get(uri) is not state or self.current(uri) != (text, version):
            return  # the document changed or closed meanwhile: never publish stale diagnostics
        state.snapshot = snapshot
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=snapshot.diagnostics, version=version)
        )

    def chart_peers(self, uri: str) -> list[str]:
        """The other open documents of the Helm chart `uri` belongs to (none outside a chart)."""
        from dockerlint.lsp.features import chart_directory, uri_to_path

        chart = chart_directory(uri_to_path(uri))
        if chart is None:
            return []
        return [u for u in self.open_documents if u != uri and chart_directory(uri_to_path(u)) == chart]

    def chart_texts(self, uri: str) -> dict[str, str]:
        """Unsaved texts of the chart's other open documents: a render sees what the editor shows."""
        from dockerlint.lsp.features import uri_to_path

        texts = {}
        for peer in self.chart_peers(uri):
            current = self.current(peer)
            path = uri_to_path(peer)
            if current is not None and path is not None:
                texts[path] = current[0]
        return texts

    def relint_all(self) -> None:
        for uri in list(self.open_documents):
            self.schedule(uri, 0)

    async def fetch_workspace_settings(self) -> None:
        """Pull the "dockerlint" settings: unscoped, and for each workspace folder (VS Code's
        multi-root workspaces give each folder its own)."""
        caps = self.client_capabilities.workspace
        if not (caps and caps.configuration):
            return
        folders = [f.uri for f in self.workspace.folders.values()]
        items = [lsp.ConfigurationItem(section="dockerlint")]
        items += [lsp.ConfigurationItem(scope_uri=uri, section="dockerlint") for uri in folders]
        try:
            values = await self.workspace_configuration_async(lsp.ConfigurationParams(items=items))
        except Exception as e:
            log.warning("workspace/configuration failed: %s", e)
            return
        values = list(values or [])
        parsed = [self.read_settings(values[i] if i < len(values) else None) for i in range(len(items))]
        self.configs.workspace = parsed[0]
        self.configs.folders = {
            path: settings for uri, settings in zip(folders, parsed[1:]) if (path := uri_to_path(uri))
        }

    def read_settings(self, value) -> WorkspaceSettings:
        """The client's "dockerlint" settings; what is wrong in them is shown, not fatal."""
        settings, problems = WorkspaceSettings.from_client(value)
        for problem in problems:
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=problem))
        return settings

    async def watch_config_files(self) -> None:
        caps = self.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps else None
        if not (watched and watched.dynamic_registration):
            return  # config mtimes are checked before every lint anyway
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=CONFIG_GLOB)]
        )
        try:
            await self.client_register_capability_async(
                lsp.RegistrationParams(
                    registrations=[
                        lsp.Registration(id="dockerlint-config-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
                    ]
                )
            )
        except Exception as e:
            log.warning("could not register file watchers: %s", e)


def build_server(debounce_seconds: float = 0.15) -> DockerlintServer:
    server = DockerlintServer(debounce_seconds)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: DockerlintServer, params: lsp.InitializeParams):
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        path = uri_to_path(root) if root else None
        if path:
            ls.configs.fallback_directory = path
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), (int, float)):
            ls.debounce_seconds = max(0.0, options["debounceMs"] / 1000)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: DockerlintServer, params: lsp.InitializedParams):
        await ls.fetch_workspace_settings()
        await ls.watch_config_files()
        ls.relint_all()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DockerlintServer, params: lsp.DidOpenTextDocumentParams):
        doc = params.text_document
        ls.open_documents[doc.uri] = OpenDocument(doc.language_id)
        ls.schedule(doc.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DockerlintServer, params: lsp.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri, ls.debounce_seconds)
        for peer in ls.chart_peers(params.text_document.uri):  # a values edit re-renders the templates
            ls.schedule(peer, ls.debounce_seconds)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: DockerlintServer, params: lsp.DidSaveTextDocumentParams):
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DockerlintServer, params: lsp.DidCloseTextDocumentParams):
        state = ls.open_documents.pop(params.text_document.uri, None)
        if state is not None and state.task is not None:
            state.task.cancel()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: DockerlintServer, params: lsp.DidChangeWatchedFilesParams):
        if any(change.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for change in params.changes):
            ls.configs.invalidate()
            ls.relint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(ls: DockerlintServer, params: lsp.DidChangeWorkspaceFoldersParams):
        await ls.fetch_workspace_settings()  # pygls has updated ls.workspace.folders already
        ls.relint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: DockerlintServer, params: lsp.DidChangeConfigurationParams):
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("dockerlint"), dict):
            # Push-style clients send the values along; pull-style ones send nothing useful.
            ls.configs.workspace = ls.read_settings(settings["dockerlint"])
        else:
            await ls.fetch_workspace_settings()
        ls.relint_all()

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    def code_action(ls: DockerlintServer, params: lsp.CodeActionParams):
        snapshot = ls.analyze_now(params.text_document.uri)
        if snapshot is None or snapshot.kind is None:
            return None
        positions = snapshot.positions
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        only = [getattr(k, "value", k) for k in params.context.only] if params.context.only else None
        return code_actions(snapshot, start, end, only, ls.supports_versioned_edits()) or None

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: DockerlintServer, params: lsp.HoverParams):
        snapshot = ls.analyze_now(params.text_document.uri)
        if snapshot is None or snapshot.kind is None:
            return None
        return hover(snapshot, snapshot.positions.offset(params.position))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: DockerlintServer, params: lsp.DocumentFormattingParams):
        snapshot = ls.analyze_now(params.text_document.uri)
        return formatting_edits(snapshot) if snapshot is not None else None

    @server.feature(lsp.TEXT_DOCUMENT_RANGE_FORMATTING)
    def range_formatting(ls: DockerlintServer, params: lsp.DocumentRangeFormattingParams):
        snapshot = ls.analyze_now(params.text_document.uri)
        if snapshot is None:
            return None
        start, end = params.range.start, params.range.end
        last = end.line if end.character > 0 or end.line == start.line else end.line - 1
        return formatting_edits(snapshot, (start.line + 1, last + 1))

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: DockerlintServer, params=None):
        for state in ls.open_documents.values():
            if state.task is not None:
                state.task.cancel()
        ls.linter.shutdown(wait=False, cancel_futures=True)

    return server
