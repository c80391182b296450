"""Docstrings of generated code: text from the document made safe inside ``\"\"\"...\"\"\"``, and
the Google-style docstrings of API methods built from the IR.

A docstring is written indented as a whole, every line at the column of its opening quotes
(plus the document's own relative indentation), so that ``inspect.getdoc``, editors and black
all read the same text; a description can never end the string it sits in.
"""

from __future__ import annotations

import re
import textwrap
from typing import Literal

from generator.ir import Field, Operation, Parameter

# Lines of generated prose are filled to this width, counted from the start of the line.
_WIDTH = 88
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)]) +")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")

#: The per-call options every method takes after the document's arguments, and what they do.
CALL_OPTIONS = (
    ("extra_headers", "Headers sent with this call, over the client's."),
    ("extra_query", "Query parameters added to this call's URL."),
    ("extra_body", "Properties added to this call's JSON body."),
    ("timeout", "This call's timeout in seconds (or an ``httpx.Timeout``)."),
    (
        "max_retries",
        "How many times this call is retried (the client's setting by default).",
    ),
    (
        "strict_response_validation",
        "Raise ``ApiResponseValidationError`` when the response does not match its "
        "schema, instead of reading what it can (the client's setting by default).",
    ),
)

#: The error class the runtime raises for a status (``errors.status_error_class``).
_STATUS_ERRORS = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
}

Form = Literal["call", "stream", "iter", "pages"]


def clean(text: str) -> str:
    """Control characters cannot appear in source files or markdown tables."""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def docstring(text: object) -> str:
    """Text made safe inside a triple-quoted docstring: it can never close the string."""
    escaped = clean(str(text)).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    return escaped + " " if escaped.endswith('"') else escaped


def docstring_block(text: object, indent: int) -> str:
    """A whole docstring statement (quotes included) whose lines after the first sit at
    column ``indent`` plus their own relative indentation; the first line is not indented
    (the template puts it where the statement goes). One line stays on one line."""
    plain = "\n".join(
        line.rstrip().expandtabs() for line in clean(str(text)).split("\n")
    )
    lines = docstring(plain).split(
        "\n"
    )  # escaped last: its guard of a final quote stays
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    lines[-1] = lines[-1].rstrip()  # the closing quotes go on a line of their own
    margin = min(
        (len(line) - len(line.lstrip()) for line in lines[1:] if line), default=0
    )
    pad = " " * indent
    body = [f"{pad}{line[margin:]}" if line else "" for line in lines[1:]]
    return '"""' + "\n".join([lines[0], *body, f'{pad}"""'])


def field_docstring(f: Field, indent: int = 4) -> str:
    """The attribute docstring of a model field or a ``Param`` key (the string right after
    its annotation, which editors show on hover), its prose filled to the line."""
    text = _deprecated(f.description, f.deprecated).strip()
    return docstring_block(_fill(text, _WIDTH - indent - 3), indent)


def method_docstring(
    op: Operation, form: Form = "call", is_async: bool = False, indent: int = 8
) -> str:
    """The Google-style docstring of one method of ``op`` (``form``: the plain call,
    ``<name>_stream``, ``<name>_iter`` or ``<name>_pages``): what it does, its arguments in
    signature order, what it returns and what it raises."""
    summary, description = _summary(op)
    parts = [summary]
    if description:
        parts.append(_fill(description, _WIDTH - indent))
    parts.append(f"``{op.method} {op.path}``")
    note = _form_note(op, form, is_async)
    if note:
        parts.append(textwrap.fill(note, _WIDTH - indent))
    if op.deprecated:
        parts.append("Deprecated: the document marks this operation as deprecated.")
    width = _WIDTH - indent
    parts.append(_section("Args", _arguments(op), width))
    parts.append(_section("Returns", [("", _returned(op, form, is_async))], width))
    parts.append(_section("Raises", _raised(op, form), width))
    return docstring_block("\n\n".join(parts), indent)


def _summary(op: Operation) -> tuple[str, str]:
    """The first line of the docstring, and the description that follows it."""
    description = op.description.strip()
    if op.summary.strip():
        summary = " ".join(op.summary.split())
        return summary, "" if description == summary else description
    if description:
        first, _, rest = description.partition("\n")
        return first.strip(), rest.strip()
    return f"{op.method} {op.path}", ""


def _form_note(op: Operation, form: Form, is_async: bool) -> str:
    loop = "``async for``" if is_async else "``for``"
    if form == "stream" and op.stream:
        return (
            f"The answer streamed as {op.stream.format_name}: iterate it ({loop}),"
            " or use it as a context manager to close the connection early."
        )
    if form == "iter":
        return (
            f"Yields every item of every page ({loop}); each page is fetched when"
            " the previous one is used up."
        )
    if form == "pages":
        step = "``await next_page()``" if is_async else "``next_page()``"
        return (
            "The answer as pages: ``items``, ``parsed`` and ``raw`` of the first one;"
            f" ``has_next_page()`` and {step} step on."
        )
    return ""


def _arguments(op: Operation) -> list[tuple[str, str]]:
    """(name, description) of every argument of the method's signature, in its order."""
    found = [(p.name, _parameter_text(p)) for p in op.path_parameters]
    found += [(p.name, _parameter_text(p)) for p in op.other_parameters if p.name]
    body = op.body
    if body and body.fields:
        for f in body.fields:
            text = f.description or f"The body's ``{f.wire_name}`` property."
            found.append((f.name, _deprecated(text, f.deprecated)))
        whole = f"``{body.model}`` or a dict" if body.model else "a dict"
        found.append(
            ("body", f"The whole body ({whole}) instead of the arguments above.")
        )
    elif body:
        text = body.description or f"The request body, sent as ``{body.content_type}``."
        found.append(("body", _deprecated(text, body.deprecated)))
    if body and body.choices:
        kinds = ", ".join(f"``{c.content_type}``" for c in body.choices)
        found.append(("content_type", f"The media type the body is sent as: {kinds}."))
    return found + list(CALL_OPTIONS)


def _parameter_text(p: Parameter) -> str:
    where = "the query string" if p.location == "querystring" else p.location
    text = p.description or f"The ``{p.wire_name}`` {where} parameter."
    return _deprecated(text, p.deprecated)


def _deprecated(text: str, deprecated: bool) -> str:
    return f"{text.rstrip()} Deprecated." if deprecated else text


def _returned(op: Operation, form: Form, is_async: bool) -> str:
    prefix = "Async" if is_async else ""
    if form == "stream" and op.stream:
        return f"{prefix}Stream[{op.stream.item_annotation}]: the items, as they come."
    if form in ("iter", "pages") and op.pagination:
        item = op.pagination.item_annotation
        if form == "iter":
            iterator = "AsyncIterator" if is_async else "Iterator"
            return f"{iterator}[{item}]: every item of every page."
        return f"{prefix or 'Sync'}Page[{item}]: the first page."
    success = op.success
    said = success.description.strip() if success else ""
    if op.return_annotation == "None":
        return f"None: {said}" if said else "None."
    return f"{op.return_annotation}: {said or 'The response body.'}"


def _raised(op: Operation, form: Form) -> list[tuple[str, str]]:
    """The runtime's errors: the class of each documented error status first (with what
    the document says of it), then the base class for any other status."""
    raised: dict[str, list[str]] = {}
    for r in op.responses:
        if not r.is_success:
            said = " ".join(r.description.split()).rstrip(".")
            line = f"{r.status}: {said}" if said else r.status
            errors = raised.setdefault(_error_class(r.status), [])
            if not any(e.split(":")[0] == r.status for e in errors):
                errors.append(line)
    other = raised.pop("ApiStatusError", [])
    found = [(name, "; ".join(lines) + ".") for name, lines in raised.items()]
    found.append(
        (
            "ApiStatusError",
            "Another error status" + (f" ({'; '.join(other)})." if other else "."),
        )
    )
    found += [
        (
            "ApiConnectionError",
            "The server could not be reached (``ApiTimeoutError``: not in time).",
        ),
        (
            "ApiResponseValidationError",
            "The response body does not fit its declared type (only with"
            " ``strict_response_validation``; otherwise what could be read is returned).",
        ),
    ]
    if form == "stream" and op.stream and op.stream.kind in ("sse", "events"):
        found.append(("StreamError", "The server sent an error event in the stream."))
    return found


def _error_class(status: str) -> str:
    """The class ``errors.status_error_class`` picks for a documented status."""
    if status in _STATUS_ERRORS:
        return _STATUS_ERRORS[status]
    if status[:1] == "5":
        return "InternalServerError"
    return "ApiStatusError"


def _section(title: str, entries: list[tuple[str, str]], width: int) -> str:
    """A Google-style section: each entry on its line, its text's further lines indented
    under it."""
    lines = [f"{title}:"]
    for name, text in entries:
        lead = f"{name}: " if name else ""
        filled = _fill(lead + clean(text).strip(), width - 4, hang=4)
        first, *rest = filled.split("\n")
        lines.append(f"    {first}")
        lines += [f"    {line}" if line else "" for line in rest]
    return "\n".join(lines)


def _fill(text: str, width: int, hang: int = 0) -> str:
    """``text`` with its paragraphs of prose filled to ``width`` (every line after the first
    indented by ``hang``); lines markdown reads otherwise (indented, tables, headings, quotes,
    inside a fence) stay as written, and a list item starts a paragraph of its own."""
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            item = _LIST_ITEM.match(
                paragraph[0]
            )  # an item's further lines sit under its text
            out.extend(
                textwrap.wrap(
                    " ".join(paragraph),
                    width,
                    initial_indent=" " * hang if out else "",
                    subsequent_indent=" " * (hang + (item.end() if item else 0)),
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
            paragraph.clear()

    fenced = False
    for line in clean(text).split("\n"):
        line = line.rstrip()
        fence = line.lstrip().startswith(("```", "~~~"))
        fenced ^= fence
        if fenced or fence or not line or line[0] in " \t|#>":
            flush()
            out.append(" " * hang + line if line and out else line)
            continue
        if _LIST_ITEM.match(line):
            flush()
        paragraph.append(line)
    flush()
    return "\n".join(out)
