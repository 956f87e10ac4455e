"""Use the compiled copy of the engine's modules when it was built from these very sources.

`python -m kb.build_native` (run by `make install`) compiles the engine's modules
with Cython into var/native/ (about 10% faster diagnoses: the interpreter's
per-bytecode work goes, the regular expressions and the automaton stay as they
are). The modules' text is unchanged, so the compiled and the plain modules
behave the same; a test compares their output on whole corpora.

Safety: the build keeps a copy of every source it compiled, with its size and
modification time. At import, a module whose size or time differs is compared
byte for byte with that copy, and the interpreter with the one the build was
made for; any difference (an edited module, another Python) and the plain
modules are used, all of them. The compiled copy can make the engine faster, never different or stale.

MAILFIX_PURE_PYTHON=1 turns it off; MAILFIX_NATIVE_DIR points elsewhere
(the default is var/native/ of the checkout). No Django here.
"""

from __future__ import annotations

import os
import sys

PACKAGE = __name__.rpartition(".")[0]  # kb.diagnosis
MANIFEST = "manifest.txt"
FORMAT = "mailfix native engine 2"

# Why the plain modules are in use, or "compiled (...)": the benchmark prints it.
status = "plain Python (not checked)"


def default_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "var", "native")


def build_key() -> str:
    """What a build must have been made for: this interpreter, exactly."""
    return f"{FORMAT}|{sys.implementation.cache_tag}|{sys.version}|{sys.executable}"


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def check(native_dir: str) -> tuple[dict[str, str], str]:
    """(module name -> compiled file, "") when the build in native_dir matches the
    sources beside this file, else ({}, why not)."""
    manifest = _read(os.path.join(native_dir, MANIFEST))
    if manifest is None:
        return {}, "no compiled build (make install builds one)"
    lines = manifest.decode("utf-8", "replace").splitlines()
    if not lines or lines[0] != build_key():
        return {}, "the compiled build is for another Python"
    source_dir = os.path.dirname(os.path.abspath(__file__))
    found: dict[str, str] = {}
    for line in lines[1:]:
        name, binary, size, mtime = (line.split(" ") + ["", "", ""])[:4]
        if not name.isidentifier() or not binary or not size.isdigit() or not mtime.isdigit():
            return {}, "the compiled build's manifest is damaged"
        source = os.path.join(source_dir, name + ".py")
        try:
            stat = os.stat(source)
        except OSError:
            return {}, f"{name}.py is missing"
        # Size and modification time as the build saw them: the test CPython's own .pyc
        # files rely on. When either differs (a new checkout, an edit), the bytes decide.
        if (stat.st_size, stat.st_mtime_ns) != (int(size), int(mtime)):
            compiled_from = _read(os.path.join(native_dir, "src", name + ".py"))
            if compiled_from is None or compiled_from != _read(source):
                return {}, f"the compiled build is stale ({name}.py changed since; make install rebuilds it)"
        path = os.path.join(native_dir, binary)
        if not os.path.isfile(path):
            return {}, f"the compiled build lacks {binary}"
        found[f"{PACKAGE}.{name}"] = path
    if not found:
        return {}, "the compiled build is empty"
    return found, ""


class _CompiledFinder:
    """Finds the engine's modules in the compiled build (first on sys.meta_path)."""

    def __init__(self, modules: dict[str, str]):
        self.modules = modules

    def find_spec(self, fullname, path=None, target=None):
        binary = self.modules.get(fullname)
        if binary is None:
            return None
        from importlib.machinery import ExtensionFileLoader, ModuleSpec

        spec = ModuleSpec(fullname, ExtensionFileLoader(fullname, binary), origin=binary)
        spec.has_location = True
        return spec

    def invalidate_caches(self):
        pass


def activate(native_dir: str | None = None) -> str:
    """Install the finder when the build is usable; returns and records the status.
    Must run before the engine's modules are imported (kb/diagnosis/__init__.py)."""
    global status
    if os.environ.get("MAILFIX_PURE_PYTHON", "") not in ("", "0"):
        status = "plain Python (MAILFIX_PURE_PYTHON is set)"
        return status
    native_dir = native_dir or os.environ.get("MAILFIX_NATIVE_DIR") or default_dir()
    modules, why_not = check(native_dir)
    if not modules:
        status = f"plain Python ({why_not})"
        return status
    loaded = [name for name in modules if name in sys.modules]
    if loaded:  # too late to swap them; mixing would be correct but is not what was asked
        status = f"plain Python ({loaded[0]} was imported first)"
        return status
    if not any(isinstance(finder, _CompiledFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _CompiledFinder(modules))
    status = f"compiled with Cython ({len(modules)} modules, {native_dir})"
    return status
