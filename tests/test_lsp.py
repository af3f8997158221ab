"""`dockerlint lsp` driven by a real JSON-RPC client over stdio (pytest-lsp), plus headless Neovim.

What a user of an editor sees: diagnostics with exact ranges (UTF-16 columns), code actions
(quick fix, fix all, ignore), edits that refresh the diagnostics, hovers, workspace settings.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("pygls.lsp.server", reason="the language server needs pygls 2")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp drives the server under test")
from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

SERVER = [sys.executable, "-m", "dockerlint", "lsp"]
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

# The emoji is one code point but two UTF-16 code units: columns after it differ.
DOCKERFILE = (
    "FROM debian\n"
    "MAINTAINER Jane Doe <jane@example.com>\n"
    'RUN echo "\N{GRINNING FACE}" && apt-get install curl\n'
)
CONFIG = 'select = ["DL3006", "DL4000", "DL3014", "KS001"]\n'
MANIFEST = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - {name: "caf\N{LATIN SMALL LETTER E WITH ACUTE}\N{GRINNING FACE}", image: nginx:latest}
    """
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[*SERVER, "--debounce", "300"], server_env=ENV))
async def client(lsp_client: LanguageClient, tmp_path):
    (tmp_path / ".dockerlint.toml").write_text(CONFIG)
    lsp_client.registrations = []
    lsp_client.published = []  # (uri, version) of every publishDiagnostics, in order
    lsp_client.publishes = []  # the params of every publishDiagnostics, in order

    features = lsp_client.protocol.fm.features
    store_diagnostics = features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]  # pytest-lsp's own handler

    def publish_diagnostics(params: lsp.PublishDiagnosticsParams):
        lsp_client.published.append((params.uri, params.version))
        lsp_client.publishes.append(params)
        return store_diagnostics(params)

    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish_diagnostics

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: lsp.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(
                workspace=lsp.WorkspaceClientCapabilities(
                    configuration=True,
                    workspace_edit=lsp.WorkspaceEditClientCapabilities(document_changes=True),
                    did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
                    workspace_folders=True,
                ),
            ),
            root_uri=tmp_path.as_uri(),
            # A multi-root workspace: two folders inside the root (documents elsewhere in the
            # root get the unscoped settings).
            workspace_folders=[lsp.WorkspaceFolder(uri=(tmp_path / n).as_uri(), name=n) for n in ("a", "b")],
        )
    )
    lsp_client.tmp_path = tmp_path
    # The server finishes `initialized` (pull settings, register the config-file watcher, re-lint)
    # on its own time; under load that can land after a test has opened its document.
    await wait_until(lambda: lsp_client.registrations, "the config-file watcher registration")
    yield
    await lsp_client.shutdown_session()


async def open_document(client: LanguageClient, name: str, text: str, language_id: str = "dockerfile") -> str:
    path = client.tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text))
    )
    await wait_for_version(client, uri, 1)
    return uri


async def wait_for_version(client: LanguageClient, uri: str, version: int, timeout: float = 10.0):
    """Wait for the next diagnostics published for exactly this document version (read from the
    fixture's record of every publish: several can arrive in one burst)."""
    start = len(client.publishes)

    def found():
        return next((p for p in client.publishes[start:] if p.uri == uri and p.version == version), None)

    await wait_until(found, f"diagnostics of {uri} version {version}", timeout)
    return found()


async def wait_until(condition, what: str, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)


async def wait_for_codes(client: LanguageClient, uri: str, expected: list[str], timeout: float = 10.0):
    """Wait until the document's diagnostics have the `expected` codes (they may already; a
    re-lint that was on its way may publish the old ones first). Polls what the client stored:
    publishes for several documents can arrive in one burst, and a one-shot notification
    waiter sees only the first of them."""

    def codes():
        return sorted(d.code for d in client.diagnostics.get(uri, []))

    try:
        await wait_until(lambda: codes() == expected, f"diagnostics {expected}", timeout)
    except AssertionError:
        raise AssertionError(f"diagnostics never became {expected}; last published: {codes()}") from None


async def only_quick_fix_edit(client: LanguageClient, uri: str, diagnostic, title: str):
    """The single text edit of the one code action for `diagnostic` whose title starts with `title`."""
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri), range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    (action,) = [a for a in actions if a.title.startswith(title)]
    (edit,) = action.edit.document_changes[0].edits if action.edit.document_changes else action.edit.changes[uri]
    return edit


def summary(diagnostics) -> list[tuple]:
    return sorted(
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in diagnostics
    )


@pytest.mark.asyncio
async def test_diagnostics_on_open_have_exact_utf16_ranges(client: LanguageClient):
    uri = await open_document(client, "Dockerfile", DOCKERFILE)
    diagnostics = client.diagnostics[uri]
    assert summary(diagnostics) == [
        ("DL3006", 0, 5, 0, 11),
        ("DL3014", 2, 17, 2, 32),  # code points 16..31, plus one for the emoji's surrogate pair
        ("DL4000", 1, 0, 1, 10),
    ]
    by_code = {d.code: d for d in diagnostics}
    assert by_code["DL4000"].severity == lsp.DiagnosticSeverity.Error
    assert by_code["DL3006"].severity == lsp.DiagnosticSeverity.Warning
    assert by_code["DL3006"].source == "dockerlint"
    assert by_code["DL3006"].code_description.href == "https://github.com/dockerlint/dockerlint/blob/main/docs/rules/DL3006.md"
    assert "tag" in by_code["DL3006"].message


@pytest.mark.asyncio
async def test_kubernetes_manifest_and_unrelated_yaml(client: LanguageClient):
    uri = await open_document(client, "k8s/pod.yaml", MANIFEST, "yaml")
    # 'café😀' is 5 code points and 6 UTF-16 units before `, image: `
    line = MANIFEST.splitlines()[6]
    start = len(line[: line.index("nginx")].encode("utf-16-le")) // 2
    assert summary(client.diagnostics[uri]) == [("KS001", 6, start, 6, start + len("nginx:latest"))]
    other = await open_document(client, ".github/workflows/ci.yml", "on: push\njobs: {}\n", "yaml")
    assert list(client.diagnostics[other]) == []


@pytest.mark.asyncio
async def test_parse_error_is_one_diagnostic_at_its_line(client: LanguageClient):
    uri = await open_document(client, "k8s/broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [\n", "yaml")
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert "parse error" in diagnostic.message
    assert diagnostic.range.start.line in (2, 3)


@pytest.mark.asyncio
async def test_code_actions_quickfix_fix_all_and_ignore(client: LanguageClient):
    uri = await open_document(client, "Dockerfile", DOCKERFILE)
    maintainer = next(d for d in client.diagnostics[uri] if d.code == "DL4000")
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri),
            range=maintainer.range,
            context=lsp.CodeActionContext(diagnostics=[maintainer]),
        )
    )
    titles = [a.title for a in actions]
    assert "Fix DL4000: Use LABEL org.opencontainers.image.authors" in titles
    assert "Ignore DL4000 here" in titles
    assert any(t.startswith("Fix all safe problems") for t in titles)

    quickfix = next(a for a in actions if a.title.startswith("Fix DL4000"))
    assert quickfix.kind == lsp.CodeActionKind.QuickFix and quickfix.is_preferred
    (change,) = quickfix.edit.document_changes
    assert change.text_document.version == 1
    assert [(e.range.start.line, e.range.start.character, e.range.end.character, e.new_text) for e in change.edits] == [
        (1, 0, 10, "LABEL"),
        (1, 11, 38, 'org.opencontainers.image.authors="Jane Doe <jane@example.com>"'),
    ]

    ignore = next(a for a in actions if a.title == "Ignore DL4000 here")
    (edit,) = ignore.edit.document_changes[0].edits
    assert (edit.range.start.line, edit.range.start.character, edit.new_text) == (1, 0, "# dockerlint: ignore=DL4000\n")

    only_fix_all = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri),
            range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
            context=lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll]),
        )
    )
    (fix_all,) = only_fix_all
    assert fix_all.kind == "source.fixAll.dockerlint"
    fixed = apply_text_edits(DOCKERFILE, fix_all.edit.document_changes[0].edits)
    assert fixed == (
        "FROM debian\n"
        'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'
        'RUN echo "\N{GRINNING FACE}" && apt-get install -y curl\n'
    )


@pytest.mark.asyncio
async def test_unsafe_fix_is_labelled(client: LanguageClient):
    (client.tmp_path / "slim").mkdir()
    (client.tmp_path / "slim" / ".dockerlint.toml").write_text('select = ["DF003"]\n')
    uri = await open_document(client, "slim/Dockerfile", "FROM python:3.12\nCOPY app.py /\n")
    (diagnostic,) = client.diagnostics[uri]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri), range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    titles = [a.title for a in actions]
    assert any(t.startswith("(unsafe) Fix DF003") for t in titles)
    assert not any(t.startswith("Fix all") for t in titles)  # nothing safe to fix


@pytest.mark.asyncio
async def test_schema_typo_has_the_rename_quick_fix(client: LanguageClient):
    (client.tmp_path / "k8s").mkdir()
    (client.tmp_path / "k8s" / ".dockerlint.toml").write_text('select = ["KS100"]\nkubernetes-version = "1.34"\n')
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  contianers:\n  - name: web\n    image: nginx:1.27\n"
    uri = await open_document(client, "k8s/pod.yaml", text)
    (diagnostic,) = client.diagnostics[uri]
    assert (diagnostic.code, diagnostic.range.start.line, diagnostic.range.start.character) == ("KS100", 5, 2)
    assert 'did you mean "containers"' in diagnostic.message
    edit = await only_quick_fix_edit(client, uri, diagnostic, "(unsafe) Fix KS100")
    assert edit.new_text == "containers" and (edit.range.start.line, edit.range.start.character) == (5, 2)


@pytest.mark.asyncio
async def test_custom_resource_checked_against_a_crd_of_crd_paths(client: LanguageClient):
    """The editor lints one file: the CRDs it sees are the file's own and those of `crd-paths`."""
    (client.tmp_path / "crs" / "crds").mkdir(parents=True)
    (client.tmp_path / "crs" / "crds" / "widget.yaml").write_text(textwrap.dedent("""\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: string}
        """))
    (client.tmp_path / "crs" / ".dockerlint.toml").write_text('select = ["KS100"]\ncrd-paths = ["crds"]\n')
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  sise: small\n"
    uri = await open_document(client, "crs/widget.yaml", text, "yaml")
    (diagnostic,) = client.diagnostics[uri]
    assert (diagnostic.code, diagnostic.range.start.line, diagnostic.range.start.character) == ("KS100", 4, 2)
    assert diagnostic.message == 'unknown field "sise" in Widget.spec; did you mean "size"?'
    edit = await only_quick_fix_edit(client, uri, diagnostic, "(unsafe) Fix KS100")
    assert edit.new_text == "size"


@pytest.mark.asyncio
async def test_applying_an_edit_refreshes_diagnostics(client: LanguageClient):
    uri = await open_document(client, "Dockerfile", DOCKERFILE)
    # Two quick edits: only the last version's diagnostics may be published.
    for version, text in ((2, DOCKERFILE.replace("FROM debian", "FROM debian:1")), (3, DOCKERFILE.replace("FROM debian", "FROM debian:12"))):
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    params = await wait_for_version(client, uri, 3)
    assert sorted(d.code for d in params.diagnostics) == ["DL3014", "DL4000"]
    assert (uri, 3) in client.published
    assert (uri, 2) not in client.published  # superseded during the debounce: never linted, never sent


@pytest.mark.asyncio
async def test_hover_explains_rule_and_image(client: LanguageClient):
    uri = await open_document(client, "Dockerfile", "FROM python:3.12\nMAINTAINER me\n")
    rule_hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(1, 3))
    )
    assert "DL4000" in rule_hover.contents.value and "## Why is this bad?" in rule_hover.contents.value
    image_hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 8))
    )
    text = image_hover.contents.value
    assert "official image `python`" in text and "python:3.12-slim" in text and "MB" in text
    assert (image_hover.range.start.character, image_hover.range.end.character) == (5, 16)
    nothing = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(5, 0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_workspace_settings_apply_on_top_of_file_config(client: LanguageClient):
    uri = await open_document(client, "Dockerfile", DOCKERFILE)
    client.set_configuration({"ignore": ["DL4000"]}, section="dockerlint")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await wait_for_codes(client, uri, ["DL3006", "DL3014"])


@pytest.mark.asyncio
async def test_workspace_settings_scoped_to_one_folder(client: LanguageClient):
    client.set_configuration({"ignore": ["DL4000"]}, section="dockerlint", scope_uri=(client.tmp_path / "b").as_uri())
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    in_b = await open_document(client, "b/Dockerfile", DOCKERFILE)
    await wait_for_codes(client, in_b, ["DL3006", "DL3014"])
    in_a = await open_document(client, "a/Dockerfile", DOCKERFILE)
    assert sorted(d.code for d in client.diagnostics[in_a]) == ["DL3006", "DL3014", "DL4000"]
    # A folder added later gets its own settings pulled too.
    client.set_configuration({"ignore": ["DL3014"]}, section="dockerlint", scope_uri=(client.tmp_path / "c").as_uri())
    in_c = await open_document(client, "c/Dockerfile", DOCKERFILE)
    assert "DL3014" in {d.code for d in client.diagnostics[in_c]}  # not a workspace folder yet
    client.workspace_did_change_workspace_folders(
        lsp.DidChangeWorkspaceFoldersParams(
            lsp.WorkspaceFoldersChangeEvent(added=[lsp.WorkspaceFolder(uri=(client.tmp_path / "c").as_uri(), name="c")], removed=[])
        )
    )
    await wait_for_codes(client, in_c, ["DL3006", "DL4000"])


@pytest.mark.asyncio
async def test_config_file_change_is_picked_up(client: LanguageClient):
    uri = await open_document(client, "Dockerfile", DOCKERFILE)
    (watcher,) = client.registrations
    assert watcher.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
    (client.tmp_path / ".dockerlint.toml").write_text('select = ["DL3006"]\n')
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=(client.tmp_path / ".dockerlint.toml").as_uri(), type=lsp.FileChangeType.Changed)]
        )
    )
    await wait_for_codes(client, uri, ["DL3006"])


def apply_text_edits(text: str, edits) -> str:
    lines = text.splitlines(keepends=True)

    def offset(position):
        before = "".join(lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return len(before) + index
            units += 2 if ord(char) > 0xFFFF else 1
        return len(before) + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest.mark.asyncio
async def test_document_and_range_formatting(client: LanguageClient):
    text = "from debian:12\nrun   echo  a &&\\\n  echo b\nuser   app\n"
    uri = await open_document(client, "fmt/Dockerfile", text)
    options = lsp.FormattingOptions(tab_size=4, insert_spaces=True)
    edits = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(text_document=lsp.TextDocumentIdentifier(uri), options=options)
    )
    from dockerlint.fix import apply_edits
    from dockerlint.model import SourceText

    def applied(edits) -> str:
        source = SourceText(text, "Dockerfile")
        offsets = []
        for e in edits:
            start = source.offset(e.range.start.line + 1, e.range.start.character + 1)  # ASCII text
            end = source.offset(e.range.end.line + 1, e.range.end.character + 1)
            offsets.append(type("E", (), {"start": start, "end": end, "content": e.new_text})())
        return apply_edits(text, offsets)

    assert len(edits) == 1
    assert applied(edits) == "FROM debian:12\nRUN echo a \\\n    && echo b\nUSER app\n"
    # range: lines 2-3 (the RUN) only
    edits = await client.text_document_range_formatting_async(
        lsp.DocumentRangeFormattingParams(
            text_document=lsp.TextDocumentIdentifier(uri),
            range=lsp.Range(start=lsp.Position(1, 0), end=lsp.Position(2, 3)),
            options=options,
        )
    )
    assert applied(edits) == "from debian:12\nRUN echo a \\\n    && echo b\nuser   app\n"


# ---- the pieces, in process ----------------------------------------------------------------------

def _snapshot(name: str, text: str, tmp_path: Path, encoding: str = "utf-16"):
    from dockerlint.lsp.config import ConfigCache
    from dockerlint.lsp.features import analyze

    (tmp_path / ".dockerlint.toml").write_text(CONFIG)
    return analyze((tmp_path / name).as_uri(), 1, text, None, ConfigCache(str(tmp_path)), encoding)


@pytest.mark.parametrize("encoding, expected", [("utf-16", 17), ("utf-8", 19), ("utf-32", 16)])
def test_positions_follow_the_negotiated_encoding(tmp_path, encoding, expected):
    snapshot = _snapshot("Dockerfile", DOCKERFILE, tmp_path, encoding)
    finding = next(f for f in snapshot.findings if f.code == "DL3014")
    position = snapshot.positions.position(finding.span.start)
    assert (position.line, position.character) == (2, expected)
    assert snapshot.positions.offset(position) == finding.span.start


def test_ignore_extends_an_existing_pragma_and_keeps_yaml_indentation(tmp_path):
    from dockerlint.fix import apply_edits
    from dockerlint.lsp.features import ignore_edit

    snapshot = _snapshot("Dockerfile", "FROM debian\n# dockerlint: ignore=DL3006\nMAINTAINER me\n", tmp_path)
    (finding,) = [f for f in snapshot.findings if f.code == "DL4000"]
    assert apply_edits(snapshot.text, [ignore_edit(snapshot, finding)]) == (
        "FROM debian\n# dockerlint: ignore=DL3006,DL4000\nMAINTAINER me\n"
    )
    manifest = _snapshot("pod.yaml", MANIFEST, tmp_path)
    (finding,) = manifest.findings
    item = MANIFEST.splitlines()[6]
    assert item.startswith("    - {name:")
    assert apply_edits(manifest.text, [ignore_edit(manifest, finding)]) == MANIFEST.replace(
        item, "    # dockerlint: ignore=KS001\n" + item
    )


def test_fix_all_is_one_minimal_edit(tmp_path):
    from dockerlint.lsp.features import minimal_edit

    from dockerlint.model import Edit

    assert minimal_edit("FROM a\nMAINTAINER x\n", "FROM a\nLABEL x\n") == Edit(7, 17, "LABEL")
    assert minimal_edit("same", "same") == Edit(4, 4, "")


def test_config_changes_on_disk_are_noticed_without_a_notification(tmp_path):
    from dockerlint.lsp.config import ConfigCache

    (tmp_path / ".dockerlint.toml").write_text('select = ["DL3006"]\n')
    cache = ConfigCache(str(tmp_path))
    settings, error = cache.settings_for(str(tmp_path / "Dockerfile"))
    assert settings.select == ["DL3006"] and error is None
    (tmp_path / ".dockerlint.toml").write_text('select = ["DL3006", "DL4000"]\n# longer\n')
    settings, _ = cache.settings_for(str(tmp_path / "Dockerfile"))
    assert settings.select == ["DL3006", "DL4000"]
    (tmp_path / ".dockerlint.toml").write_text('select = ["NOPE9"]\n# much longer than before\n')
    settings, error = cache.settings_for(str(tmp_path / "Dockerfile"))
    assert "NOPE9" in error and settings.select == ["DEFAULT"]


# ---- a real editor ------------------------------------------------------------------------------

def test_neovim_receives_diagnostics(tmp_path):
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (apt-get install neovim); the editor end-to-end test needs it")
    (tmp_path / ".dockerlint.toml").write_text(CONFIG)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    out = tmp_path / "diagnostics.json"
    lua = tmp_path / "init.lua"
    cmd = "{" + ", ".join(json.dumps(part) for part in SERVER) + "}"
    lua.write_text(
        textwrap.dedent(
            f"""
            local out = {json.dumps(str(out))}
            vim.cmd("filetype on")
            vim.api.nvim_create_autocmd("FileType", {{
              pattern = "dockerfile",
              callback = function(args)
                local id = vim.lsp.start_client({{ name = "dockerlint", cmd = {cmd}, root_dir = {json.dumps(str(tmp_path))} }})
                vim.lsp.buf_attach_client(args.buf, id)
              end,
            }})
            vim.api.nvim_create_autocmd("VimEnter", {{
              callback = function()
                local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
                local found = {{}}
                for _, d in ipairs(vim.diagnostic.get(0)) do
                  table.insert(found, {{ code = d.code, lnum = d.lnum, col = d.col, source = d.source }})
                end
                local f = io.open(out, "w")
                f:write(vim.fn.json_encode({{ ok = ok, diagnostics = found }}))
                f:close()
                vim.cmd("qa!")
              end,
            }})
            """
        )
    )
    subprocess.run(
        [nvim, "--headless", "-n", "-i", "NONE", "-u", str(lua), str(dockerfile)],
        env={**ENV, "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")},
        cwd=tmp_path, timeout=60, check=False, capture_output=True,
    )
    assert out.exists(), "Neovim wrote no result"
    result = json.loads(out.read_text())
    assert result["ok"], result
    found = {(d["code"], d["lnum"], d["col"]) for d in result["diagnostics"]}
    assert {("DL3006", 0, 5), ("DL4000", 1, 0)} <= {(c, line, col) for c, line, col in found}
    assert {d["source"] for d in result["diagnostics"]} == {"dockerlint"}


@pytest.mark.asyncio
async def test_baselined_findings_are_hidden_or_hints(client: LanguageClient):
    """A `baseline` in config hides the findings it records; `baselineFindings: "hint"` shows
    them as hints instead. A finding the baseline does not record stays as it is."""
    folder = client.tmp_path / "bl"
    folder.mkdir()
    (folder / ".dockerlint.toml").write_text(CONFIG + 'baseline = "baseline.json"\n')
    (folder / "Dockerfile").write_text(DOCKERFILE)
    code = subprocess.run([*SERVER[:-1], "check", ".", "--write-baseline", "baseline.json"], cwd=folder, env=ENV,
                          capture_output=True, text=True, timeout=60)
    assert code.returncode == 0, code.stderr
    uri = await open_document(client, "bl/Dockerfile", DOCKERFILE + "MAINTAINER Another <a@b.c>\n")
    assert summary(client.diagnostics[uri]) == [("DL4000", 3, 0, 3, 10)]  # only the new line
    client.set_configuration({"baselineFindings": "hint"}, section="dockerlint")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await wait_for_codes(client, uri, ["DL3006", "DL3014", "DL4000", "DL4000"])
    hints = {(d.code, d.range.start.line) for d in client.diagnostics[uri] if d.severity == lsp.DiagnosticSeverity.Hint}
    assert hints == {("DL3006", 0), ("DL3014", 2), ("DL4000", 1)}
    assert all("(in the baseline)" in d.message for d in client.diagnostics[uri] if d.severity == lsp.DiagnosticSeverity.Hint)


@pytest.mark.asyncio
async def test_an_untitled_document_in_a_workspace_with_a_baseline_is_linted(client: LanguageClient):
    """An unsaved document (`untitled:`) has no path: no baseline entry can be its, and its
    findings are shown. The server asked the baseline about a path of None (TypeError in
    os.path.abspath), logged it and published nothing for the document."""
    root = client.tmp_path
    (root / "Dockerfile").write_text(DOCKERFILE)
    config = root / ".dockerlint.toml"
    config.write_text(CONFIG + 'baseline = "baseline.json"\n')
    written = subprocess.run([*SERVER[:-1], "check", ".", "--write-baseline", "baseline.json"], cwd=root, env=ENV,
                             capture_output=True, text=True, timeout=60)
    assert written.returncode == 0, written.stderr
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=config.as_uri(), type=lsp.FileChangeType.Changed)])
    )
    saved = await open_document(client, "Dockerfile", DOCKERFILE)
    await wait_for_codes(client, saved, [])  # every finding of the saved file is in the baseline
    uri = "untitled:Untitled-1"
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=DOCKERFILE))
    )
    await wait_for_version(client, uri, 1)
    assert sorted(d.code for d in client.diagnostics[uri]) == ["DL3006", "DL3014", "DL4000"]
