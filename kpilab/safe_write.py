"""Every file kpilab writes goes through here: atomic, and never over what the user did not ask to replace.

The rules (issue 10, "nothing lost"):

- **Atomic.** A file is written to a temporary file beside it and renamed
  into place; a report folder is built in a temporary folder and its files are
  moved in only when all of them are ready. A failure or an interruption
  (Ctrl-C, SIGTERM) leaves the old output as it was and no temporary behind:
  every temporary is registered here until it is renamed, and
  :func:`remove_temporaries` (called by the CLI on a signal) deletes what is left.
- **Inputs are never outputs.** An output path that is one of the command's
  input files (the same file, by inode or by resolved path) is refused.
- **Special paths are handled deliberately.** A symlink is written through to
  its target (the link stays a link); a device, a pipe or a folder where a file
  should go is refused; a read-only file is refused, never silently replaced.
- **A report folder holds a manifest** (:data:`MANIFEST`) of the files kpilab
  wrote. Writing a report again replaces only those files. A folder that holds
  anything else is refused, naming the files, unless ``force=True``; with
  ``force`` the other files are kept as they are and only kpilab's are replaced.

This module imports nothing from kpilab but :mod:`kpilab.errors`, so every
layer (plan saving, reports, the CLI, the dashboard) can use it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from kpilab.errors import KpilabError

__all__ = ["OutputError", "MANIFEST", "TEMP_MARK", "write_file_atomically", "write_text_atomically",
           "check_output_path", "check_report_folder", "write_folder_atomically", "remove_temporaries",
           "ReportFolder"]

#: The manifest of a report folder: the relative paths kpilab wrote there, one JSON list.
MANIFEST = ".kpilab-manifest.json"
#: Every temporary kpilab makes carries this mark in its name (so a leftover is recognisable).
TEMP_MARK = ".kpilab-tmp-"

_LEGACY_REPORT_FILES = ("report.html", "payouts.xlsx")  # written before manifests existed
_temporaries: set[str] = set()
_lock = threading.Lock()


def _msg(key: str, **fields: object) -> str:
    from .i18n.messages import msg  # here: the catalogs are words, not a layer safe_write depends on at import

    return msg(key, **fields)


def _reason(exc: OSError) -> str:
    from .i18n.messages import os_reason

    return os_reason(exc)


class OutputError(KpilabError):
    """An output path kpilab refuses to write (exit status 2, nothing written)."""


# --------------------------------------------------------------------------- temporaries

#: Checks run just before a finished temporary is renamed into place. The CLI registers one that raises
#: when a Ctrl-C or SIGTERM arrived but was swallowed on its way (a library that catches ImportError around
#: an optional import can turn an interruption inside it into nothing): an interrupted run never publishes.
_BEFORE_PUBLISH: list[Callable[[], None]] = []


def before_publish(check: Callable[[], None]) -> Callable[[], None]:
    """Run ``check`` before every rename of a finished output into place (once, however often registered)."""
    if check not in _BEFORE_PUBLISH:
        _BEFORE_PUBLISH.append(check)
    return check


def _publishing() -> None:
    for check in _BEFORE_PUBLISH:
        check()


def _register(path: str) -> None:
    with _lock:
        _temporaries.add(path)


def _forget(path: str) -> None:
    with _lock:
        _temporaries.discard(path)


def _remove(path: str) -> None:
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            os.unlink(path)
    except OSError:
        pass


def remove_temporaries() -> list[str]:
    """Delete every temporary file or folder still being written; returns their paths.

    Called by the CLI when it is interrupted (SIGINT, SIGTERM), so a killed
    ``kpilab compare`` leaves no ``.kpilab-tmp-*`` folder behind.
    """
    with _lock:
        left = sorted(_temporaries)
        _temporaries.clear()
    for path in left:
        _remove(path)
    return left


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- single files

def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def check_output_path(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The real path a file output will be written to, or :class:`OutputError` saying why not.

    A symlink resolves to its target (written through). Refused: an input file,
    a folder, a device or pipe, a read-only file, a missing parent folder.
    """
    shown = Path(path)
    target = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    for source in inputs:
        if source is not None and _same_file(target, Path(source)):
            raise OutputError(_msg("output_errors.is_input", path=shown))
    if os.path.lexists(target):
        info = os.stat(target)
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(_msg("output_errors.is_folder", path=shown))
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(_msg("output_errors.not_regular", path=shown))
        if not (info.st_mode & 0o222) or not os.access(target, os.W_OK):
            raise OutputError(_msg("output_errors.read_only", path=shown))
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(_msg("output_errors.no_folder", path=shown, folder=parent))
    return target


def write_file_atomically(path: str | Path, write: Callable[[Path], None], *,
                          inputs: Iterable[str | Path] = ()) -> Path:
    """Write a file through a temporary beside it, then rename: never a half-written file.

    Parameters
    ----------
    path
        The file to (re)place; see :func:`check_output_path` for what is refused.
    write
        Called with the temporary path; writes the whole content there.
    inputs
        The command's input files: writing over one is refused.

    Returns
    -------
    Path
        The path written (the symlink's target when ``path`` is a symlink).
    """
    target = check_output_path(path, inputs)
    existing_mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}", dir=target.parent)
    _register(tmp)
    try:
        os.close(fd)
        try:
            write(Path(tmp))
            # mkstemp's 0600 would hide a new file from colleagues; a replaced file keeps its mode
            os.chmod(tmp, existing_mode if existing_mode is not None else 0o666 & ~_umask())
            _publishing()
            os.replace(tmp, target)
        except OSError as exc:  # name the user's file, never the temporary
            raise OutputError(_msg("output_errors.cannot_write", path=path, reason=_reason(exc))) from None
    finally:
        _forget(tmp)
        _remove(tmp) if os.path.lexists(tmp) else None
    return target


def write_text_atomically(path: str | Path, text: str, *, inputs: Iterable[str | Path] = (),
                          encoding: str = "utf-8") -> Path:
    """:func:`write_file_atomically` for a text (a plan's YAML, a CSV)."""
    return write_file_atomically(path, lambda p: p.write_text(text, encoding=encoding, newline=""),
                                 inputs=inputs)


# --------------------------------------------------------------------------- report folders

def _walk(folder: Path) -> list[str]:
    """Relative paths (with '/') of every file and symlink under ``folder``, temporaries left out."""
    out: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if TEMP_MARK not in d]
        for name in files:
            if TEMP_MARK in name:
                continue
            out.append(Path(os.path.relpath(os.path.join(root, name), folder)).as_posix())
        for name in dirs:  # a symlinked folder is listed, not followed
            full = os.path.join(root, name)
            if os.path.islink(full):
                out.append(Path(os.path.relpath(full, folder)).as_posix())
    return sorted(out)


def _read_manifest(folder: Path) -> set[str] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return None
    return {f for f in files if isinstance(f, str) and ".." not in Path(f).parts and not Path(f).is_absolute()}


class ReportFolder:
    """What :func:`check_report_folder` found: where to write, what is kpilab's, what is not.

    Attributes
    ----------
    path
        The real folder (a symlink resolved).
    owned
        Relative paths of files kpilab wrote there before (replaced or removed).
    foreign
        Relative paths of other files (kept; their presence is refused without ``force``).
    """

    def __init__(self, shown: Path, path: Path, owned: set[str], foreign: list[str]) -> None:
        self.shown = shown
        self.path = path
        self.owned = owned
        self.foreign = foreign


def check_report_folder(directory: str | Path, *, force: bool = False,
                        inputs: Iterable[str | Path] = ()) -> ReportFolder:
    """Check a report folder before any work is done.

    Refused (:class:`OutputError`): a file where the folder should be; a folder
    holding files kpilab did not write (named in the message) unless ``force``;
    a folder that is not writable; a folder that is one of the inputs.
    """
    shown = Path(directory)
    real = Path(os.path.realpath(shown))
    if os.path.lexists(real) and not real.is_dir():
        raise OutputError(_msg("output_errors.report_is_file", path=shown))
    for source in inputs:
        if source is not None and _same_file(real, Path(source)):
            raise OutputError(_msg("output_errors.report_is_input", path=shown))
    owned: set[str] = set()
    foreign: list[str] = []
    if real.is_dir():
        present = _walk(real)
        manifest = _read_manifest(real)
        if manifest is None:
            # a report written before manifests: its own two files and its charts folder
            legacy = (real / "report.html").is_file()
            manifest = {p for p in present if legacy and (p in _LEGACY_REPORT_FILES or (
                p.startswith("charts/") and p.count("/") == 1 and p.endswith((".png", ".svg"))))}
        owned = {p for p in present if p in manifest}
        foreign = [p for p in present if p not in manifest and p != MANIFEST]
        if foreign and not force:
            shown_files = ", ".join(foreign[:8]) + (_msg("output_errors.more_files", count=len(foreign) - 8)
                                                    if len(foreign) > 8 else "")
            raise OutputError(_msg("output_errors.report_not_empty", path=shown, files=shown_files))
        if not os.access(real, os.W_OK | os.X_OK):
            raise OutputError(_msg("output_errors.report_not_writable", path=shown))
    else:
        parent = real.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(_msg("output_errors.report_cannot_create", path=shown, parent=parent))
    return ReportFolder(shown, real, owned, foreign)


def write_folder_atomically(directory: str | Path, fill: Callable[[Path], None], *, force: bool = False,
                            inputs: Iterable[str | Path] = ()) -> Path:
    """Build a report folder in a temporary folder, then move its files into place.

    ``fill`` writes every file into the folder it is given. A new folder is
    renamed into place whole; into an existing folder each file is renamed
    over kpilab's old one (files of the old report that the new one lacks are
    removed, files kpilab did not write are never touched), and the manifest
    is written last. Returns the real folder path.
    """
    folder = check_report_folder(directory, force=force, inputs=inputs)
    real = folder.path
    exists = real.is_dir()
    if not exists:
        real.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{real.name}{TEMP_MARK}" if not exists else TEMP_MARK,
                           dir=real if exists else real.parent)
    _register(tmp)
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a report folder is an ordinary one
        fill(Path(tmp))
        written = _walk(Path(tmp))
        clash = [p for p in written if p in folder.foreign]
        if clash:  # only with force: a file of the user's has the name of one of kpilab's
            raise OutputError(_msg("output_errors.report_clash", path=folder.shown, files=", ".join(clash)))
        for source in inputs:
            if source is not None and any(_same_file(real / p, Path(source)) for p in written):
                raise OutputError(_msg("output_errors.report_replaces_input", path=folder.shown))
        manifest = json.dumps({"written_by": "kpilab", "files": written}, indent=1)
        Path(tmp, MANIFEST).write_text(manifest, encoding="utf-8")
        _publishing()
        if not exists:
            os.replace(tmp, real)
        else:
            for rel in written:
                dest = real / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                if dest.is_dir() and not dest.is_symlink():
                    shutil.rmtree(dest)  # kpilab's own folder in the way of its own file
                os.replace(Path(tmp, rel), dest)
            for rel in sorted(folder.owned - set(written)):
                _remove(str(real / rel))
            for rel in {str(Path(r).parent) for r in folder.owned - set(written)} - {"."}:
                try:
                    (real / rel).rmdir()  # an emptied charts/ folder of the old report
                except OSError:
                    pass
            os.replace(Path(tmp, MANIFEST), real / MANIFEST)
    except OSError as exc:
        raise OutputError(_msg("output_errors.cannot_write_report", path=folder.shown, reason=_reason(exc))) from None
    finally:
        _forget(tmp)
        if os.path.lexists(tmp):
            _remove(tmp)
    return real

