"""openapi-spec-validator's pass over a big document in a forked process, beside the build.

The validator is the slowest check and only ever warns, so a run of ``generate`` starts it
here, builds, renders and formats meanwhile, and takes its diagnostics (plain tuples through a
pipe) before it writes anything. A forked child inherits the loaded document instead of
receiving a pickled copy. Where fork is missing, or the document is small enough that a fork
costs more than it saves, the pass runs in process at once, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Diagnostics
from generator.loader import DocumentSet
from generator.validate import validate_document

#: Below this many bytes of documents, validation takes about as long as forking for it.
MIN_BYTES = 256 * 1024


class Validation:
    """The validator's diagnostics for a document set, found now or in a child process."""

    def __init__(
        self, docs: DocumentSet, background: bool, cache: Path | None = None
    ) -> None:
        self._items: list[Diagnostic] | None = None
        self._process: BaseProcess | None = None
        if background and _worth_forking(docs) and self._started(docs, cache):
            return
        diags = Diagnostics()
        validate_document(docs.root, diags, docs=docs, cache=cache)
        self._items = diags.items

    @property
    def in_background(self) -> bool:
        """Whether a child process does the work (then ``result`` may wait for it)."""
        return self._process is not None

    def _started(self, docs: DocumentSet, cache: Path | None) -> bool:
        """Whether a child now validates; False when it could not be forked."""
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        for stream in (
            sys.stdout,
            sys.stderr,
        ):  # else the child flushes the same text again
            stream.flush()
        process = context.Process(
            target=_child, args=(docs, writer, cache), daemon=True
        )
        try:
            process.start()
        except OSError:  # no memory or no process slot left: validate here instead
            self._reader.close()
            return False
        finally:
            writer.close()  # the child holds the only writing end: its death is our EOF
        self._process = process
        return True

    def result(self) -> list[Diagnostic]:
        """The diagnostics, in the validator's order; a child that died gives one warning."""
        if self._items is None:
            try:
                items = [Diagnostic(*item) for item in self._reader.recv()]
            except (
                Exception
            ):  # EOF, or a broken message: the child ended without a result
                items = None
            code = self._end()
            if items is None:
                items = [
                    Diagnostic(
                        "warning",
                        "#",
                        "validation cut short: the validator process ended without a "
                        f"result (exit code {code})",
                    )
                ]
            self._items = items
        return self._items

    def cancel(self) -> None:
        """Stop the child, if there is one (the run failed on its own)."""
        if self._process is None:
            return
        if self._process.exitcode is None:
            self._process.kill()
        self._end()

    def _end(self) -> int | None:
        assert self._process is not None
        self._reader.close()
        self._process.join()
        return self._process.exitcode


def _worth_forking(docs: DocumentSet) -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        size = sum(path.stat().st_size for path in docs.documents)
    except OSError:
        return False
    return size >= MIN_BYTES


def _child(docs: DocumentSet, writer: Any, cache: Path | None) -> None:
    """Validate and send the diagnostics as plain tuples; never a traceback on stderr."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        diags = Diagnostics()
        validate_document(docs.root, diags, docs=docs, cache=cache)
        writer.send([(d.level, d.pointer, d.message) for d in diags.items])
        writer.close()
    except BaseException:
        os._exit(1)
