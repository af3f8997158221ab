"""dockerlint.paths answers as os.path does, for the paths a run meets and for odd ones."""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockerlint import paths

ODD = ["", ".", "..", "/", "//", "///", "a", "a/", "a//b", "./a", "../a", "a/./b", "a/../b", "a/.", "a/..",
       ".hidden", "dir/.hidden", "/abs/x.yaml", "//net/x", "a/b/c.yaml", "a\\b", "k8s/app.yaml", "dir///x", "x/"]
segments = st.lists(st.sampled_from(["a", "b.yaml", ".", "..", "", ".git", "x y", "é"]), min_size=1, max_size=5)


@pytest.mark.parametrize("path", ODD)
@pytest.mark.parametrize("cwd", ["/work/repo", "/", "/a/b"])
def test_odd_paths_as_os_path(path, cwd):
    assert paths.normal(path) == os.path.normpath(path)
    assert paths.absolute_in(cwd, path) == os.path.normpath(os.path.join(cwd, path))
    assert paths.parent(path) == os.path.dirname(path)
    assert paths.name(path) == os.path.basename(path)


@settings(max_examples=400, deadline=None)
@given(segments, st.sampled_from(["", "/"]), st.sampled_from(["/work/repo", "/", "/x/y"]))
def test_any_join_of_segments_as_os_path(parts, lead, cwd):
    path = lead + "/".join(parts)
    if path:
        assert paths.normal(path) == os.path.normpath(path)
    assert paths.absolute_in(cwd, path) == os.path.normpath(os.path.join(cwd, path))
    assert paths.parent(path) == os.path.dirname(path)
    assert paths.name(path) == os.path.basename(path)


def test_the_shortcut_is_taken_for_plain_relative_paths_only():
    assert paths.is_normal_relative("k8s/app.yaml")
    for path in ["", "./a", "a//b", "a/", "/a", "a/../b", ".hidden"]:
        assert not paths.is_normal_relative(path)


@settings(max_examples=600, deadline=None)
@given(segments, st.sampled_from(["/work/repo/", "/work/repo2/", "/work/", "/elsewhere/", "/", "/work/repo"]),
       st.sampled_from(["/work/repo", "/", "/work", "/work/re"]))
def test_shown_from_is_what_reports_showed_where_it_answers(parts, lead, cwd):
    path = lead + "/".join(parts)
    found = paths.shown_from(cwd, path)
    rel = os.path.relpath(path, cwd)
    if found is not None:  # as report.common._relative shows it: relpath's answer, the path itself outside
        assert found == (path if rel.startswith("..") else rel.replace(os.sep, "/"))
    if cwd != "/" and os.path.normpath(path) == path and "/." not in path and not rel.startswith("."):
        assert found is not None  # a plain path under the directory: answered here
