"""Black's output for the code the built-in templates render, with black run on only the
statements that need it. It is not a formatter of any Python: it is exact, byte for byte, only
for what the built-in templates write, and ``generator.format`` uses it for nothing else (a
team's templates go through black whole).

Black formats about 4,000 lines a second per core, and a client of a large document holds
over 100,000: running it on every file costs more than everything else together. The built-in
templates write each line as black would (its spacing around operators and after commas, one
statement a line, no redundant parentheses, 4-space blocks, black's blank lines, exploded
brackets with magic trailing commas); what they cannot know is which statements outgrow a
line, how black quotes a string from the document, and how it lays out a docstring. So
``plan_file`` reads each file as logical lines:

- a line that fits and holds nothing black would change is kept, its strings quoted as black
  quotes them (``black_quotes``);
- a docstring is laid out by black's docstring rules (``_docstring``), a long ``from ...
  import`` by black's exploded form (``_exploded_import``), a long ``return f(...)`` or
  ``name = f(...)`` whose arguments need no splitting of their own by black's split after
  the call's parenthesis (``_split_call``), a long ``name: annotation = value`` (a model's
  field, a type alias, a tagged union) by ``generator.linesplit``, which follows black's
  own splitting rules for the expressions the templates write in annotations;
- an exploded bracket keeps its layout, and only an item too long for its line becomes a
  ``Snippet``: black formats each item of such a bracket on its own (a method's parameter
  with a long annotation is laid out by ``generator.linesplit``);
- any other statement that black would change (too long, an unusual number, a one-line
  bracket ending in a comma) becomes a ``Snippet`` as a whole.

``format_snippets`` then runs black once over all the snippets of a batch, each inside
placeholder blocks that give it its depth, and ``assemble`` puts the file together.

Shapes this reader sees it does not handle (tabs, backslash continuations, ``fmt:`` comments,
semicolons, comments inside brackets, an indentation step other than 4) make ``plan_file``
return None, and the caller runs black on the whole file. What it does not look at, the
layout inside a line that fits, it trusts: ``x=1`` or ``f( a )`` stay as written, where black
would space them. That trust is the built-in templates' to keep, and
``tests/templates/test_template_layout.py`` holds them to it: every built-in template, over
documents that reach each of its branches, gives black's output for each whole file, with no
file left to black. Beside it, unit cases check this reader against black itself, and black
runs over every package of the corpus (the OpenAI client included) and of the fuzzed
documents.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from black.strings import str_width as _width  # columns, as black counts them

from generator.linesplit import ELEMENT, PARAMETER, split_statement

LINE_LENGTH = 88
_INDENT = "    "

#: The tokens that matter here; the lookahead lets the regex engine skip the text between
#: them quickly (a string's prefix letters are found by looking back from its quote).
_TOKEN = re.compile(
    r"""
    (?=["'#()\[\]{}\n\d.\\;\t,])
    (?:(?P<string>\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
          |'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''
          |"(?:[^"\\\n]|\\[^\n])*"
          |'(?:[^'\\\n]|\\[^\n])*')
    |(?P<comment>\#[^\n]*)
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<newline>\n)
    |(?P<number>(?<![\w.])(?:\d[\w.]*|\.\d[\w]*)(?:[eE][+-]\w+)?)
    |(?P<odd>[\\;\t"']|(?<=[ ]),[ ]*[)\]}]))
    """,
    re.VERBOSE,
)
_STRING_PREFIX_LETTERS = "rRbBuUfF"
_MAGIC_COMMA = re.compile(r",[ ]*[)\]}]")
_BLOCK_OPENER = re.compile(
    r"(?:async[ ]+)?(?:def|class|if|elif|else|for|while|try|except|finally|with)\b"
)
_CLAUSE = re.compile(r"(?:elif|else|except|finally|case)\b")
_CANONICAL_COMMENT = re.compile(r"#(?:[ !:#].*)?")
_ESCAPE = re.compile(r"\\[\s\S]|[\s\S]")
_FROM_IMPORT = re.compile(
    r"( *)(from [\w.]+ import )(\w+(?: as \w+)?(?:, \w+(?: as \w+)?)*)(?:  (#[^\n]*))?\n"
)
#: An item black cannot split however long: a string or a name, or a pair of them.
_UNSPLITTABLE_ITEM = re.compile(r' *(?:""|\w+)(?:: (?:""|\w+))?,')
_MARKER = "# oapigen: one snippet"
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


class _Unexpected(Exception):
    """A shape this reader does not handle: black formats the whole file instead."""


@dataclass
class _Statement:
    """One logical line: its source text and what the reader found in it."""

    text: str
    needs_black: bool = False
    strings: list[tuple[int, int]] = field(default_factory=list)
    only_string: bool = False


@dataclass(frozen=True)
class Snippet:
    """A statement black must format (``kind`` "statement", or "block" when it opens one, at
    block ``depth``), or one item of an exploded bracket (``kind`` the bracket's, from
    ``_ITEM_CONTEXT``, its depth read from its indentation)."""

    source: str
    kind: str
    depth: int = 0


Piece = str | Snippet


def plan_file(text: str) -> list[Piece] | None:
    """``text`` as black would write it, but for the snippets black must format, or None when
    ``text`` has a shape not handled here (then black formats the whole file)."""
    if not text.strip():
        return []
    try:
        return _format(text)
    except _Unexpected:
        return None


def assemble(pieces: list[Piece], formatted: dict[Snippet, str]) -> str:
    return "".join(formatted[p] if isinstance(p, Snippet) else p for p in pieces)


def format_snippets(
    snippets: set[Snippet], fmt: Callable[[str], str]
) -> dict[Snippet, str]:
    """Black (``fmt``) on every snippet, each in a context where black formats it as it would
    in its file; all in one run of black, which costs far less than a run each, unless that
    run cannot be cut back into snippets. A snippet black lays out in a way this module cannot
    take apart is left out of the result."""
    ordered = sorted(snippets, key=lambda s: (s.source, s.kind, s.depth))
    if not ordered:
        return {}
    source = "".join(f"{_MARKER}\n{_wrapped(s)}" for s in ordered)
    try:
        chunks = fmt(source).split(f"{_MARKER}\n")[1:]
        if len(chunks) == len(ordered):
            return {s: _unwrapped(s, c) for s, c in zip(ordered, chunks)}
    except Exception:  # black's own errors, or _Unexpected: try them one by one
        pass
    done = {}
    for snippet in ordered:
        # one black rejects, or lays out otherwise, is left out: its file goes through
        # black whole, which reports it
        try:
            done[snippet] = _unwrapped(snippet, fmt(_wrapped(snippet)))
        except Exception:
            pass
    return done


def _wrapped(snippet: Snippet) -> str:
    """The snippet inside placeholder blocks (``class _:``) that give it its depth; a statement
    that opens a block gets a placeholder body, an item a bracket of its kind around it.
    """
    if snippet.kind in _ITEM_CONTEXT:
        opener, first, closer = _ITEM_CONTEXT[snippet.kind]
        outer = _INDENT * snippet.depth
        return (
            _placeholders(snippet.depth)
            + f"{outer}{opener}\n{outer}{_INDENT}{first}\n{snippet.source}\n{outer}{closer}\n"
        )
    body = f"{_INDENT * (snippet.depth + 1)}pass\n" if snippet.kind == "block" else ""
    return _placeholders(snippet.depth) + snippet.source + body


def _unwrapped(snippet: Snippet, formatted: str) -> str:
    """The snippet's own lines of black's output for ``_wrapped(snippet)``."""
    lines = formatted.strip("\n").split("\n")
    head = _placeholders(snippet.depth).split("\n")[:-1]
    if snippet.kind in _ITEM_CONTEXT:
        opener, first, closer = _ITEM_CONTEXT[snippet.kind]
        outer = _INDENT * snippet.depth
        head += [outer + opener, outer + _INDENT + first]
        tail = (
            [outer + closer]
            if snippet.kind != "def"
            else [outer + "):", outer + _INDENT + "pass"]
        )
    else:
        tail = (
            [_INDENT * (snippet.depth + 1) + "pass"] if snippet.kind == "block" else []
        )
    if lines[: len(head)] != head or lines[len(lines) - len(tail) :] != tail:
        raise _Unexpected("black moved the placeholders")
    return "\n".join(lines[len(head) : len(lines) - len(tail)]) + "\n"


def _placeholders(depth: int) -> str:
    return "".join(f"{_INDENT * level}class _:\n" for level in range(depth))


def _format(text: str) -> list[Piece]:
    out: list[Piece] = []
    indents = [0]
    expect_deeper = False
    docstring_next = True  # the module's first statement is its docstring
    blank = 0
    for statement in _statements(text):
        first = statement.text.split("\n", 1)[0]
        stripped = first.lstrip(" ")
        if not stripped:
            blank += 1
            continue
        indent = len(first) - len(stripped)
        if out:  # black keeps at most 2 blank lines at the top level, 1 inside a block
            out.append("\n" * min(blank, 2 if indent == 0 else 1))
        blank = 0
        if stripped.startswith("#"):
            _check_comment(statement.text)
            out.append(statement.text)
            continue
        depth = _depth(indents, indent, expect_deeper)
        opens_block = bool(_BLOCK_OPENER.match(stripped)) and _ends_block_header(
            statement
        )
        if statement.only_string and docstring_next:
            # black formats a changed file twice, and its docstring rules are not always
            # stable in one pass (padding a closing quote that then moves to its own line)
            out.append(_docstring(_docstring(statement.text, depth), depth))
        elif statement.only_string:  # black cannot split a lone string, only requote it
            if statement.needs_black:
                raise _Unexpected("a lone string with a prefix or single triple quotes")
            out.append(_requoted(statement))
        elif (imported := _exploded_import(statement)) is not None:
            out.append(imported)
        elif (
            not statement.needs_black and (laid_out := _laid_out(statement)) is not None
        ):
            out.extend(laid_out)
        elif (split := _split_call(statement)) is not None:
            out.append(split)
        elif (split := _split_annotated(statement, depth, opens_block)) is not None:
            out.append(split)
        else:
            if _CLAUSE.match(stripped):
                raise _Unexpected("a long clause header")
            kind = "block" if opens_block else "statement"
            out.append(Snippet(statement.text, kind, depth))
        expect_deeper = opens_block
        docstring_next = opens_block
    if expect_deeper:
        raise _Unexpected("a block without a body")
    return out


def _exploded_import(statement: _Statement) -> str | None:
    """A ``from M import a, b`` line too long for one line, laid out as black lays it out
    (one name a line, a trailing comma, the comment after the closing parenthesis); None for
    any other statement, or one black might lay out otherwise."""
    match = _FROM_IMPORT.fullmatch(statement.text)
    if match is None:
        return None
    indent, head, names, comment = match.group(1, 2, 3, 4)
    if _width(statement.text[:-1]) <= LINE_LENGTH:
        return None
    inner = indent + _INDENT
    lines = [f"{indent}{head}(", *(f"{inner}{name}," for name in names.split(", "))]
    return (
        "\n".join(lines) + f"\n{indent})" + (f"  {comment}" if comment else "") + "\n"
    )


def _split_call(statement: _Statement) -> str | None:
    """A one-line ``return f(...)``, ``name = f(...)`` or ``self.name = f(...)`` too long for
    its line, split as black splits it: after the call's opening parenthesis, the arguments
    on the next line when they fit there, else one a line with a trailing comma when each
    is a name or a plain string (which black cannot split further). None for any other
    statement, or one black might lay out otherwise (the head too long, an argument that
    would need splitting itself). Aliases of union types and the raw and streaming views
    of the API classes are written so: half of what black had to format for OpenAI."""
    text = statement.text
    head = _CALL_HEAD.match(text)
    if (
        statement.needs_black
        or head is None
        or not text.endswith(")\n")
        or text.count("\n") != 1
        or _width(head.group(0)) > LINE_LENGTH
    ):
        return None
    strings = dict(statement.strings)
    end = len(text) - 2  # the call's closing parenthesis
    args: list[str] = []
    arg: list[str] = []
    depth = 0
    at = head.end()
    while at < end:
        if at in strings:  # a string, requoted as black quotes it
            literal = text[at : strings[at]]
            if literal.startswith(('"""', "'''")) or strings[at] > end:
                return None
            arg.append(black_quotes(literal))
            at = strings[at]
            continue
        char = text[at]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:  # the parenthesis at the end closes another bracket
                return None
        elif char == "," and not depth:
            args.append("".join(arg).strip())
            arg = []
            at += 1
            continue
        arg.append(char)
        at += 1
    args.append("".join(arg).strip())
    if depth or not all(args) or _MAGIC_COMMA.search(text):
        return None
    indent = head.group(1)
    inner = indent + _INDENT
    body = inner + ", ".join(args)
    if _width(body) <= LINE_LENGTH:
        return f"{head.group(0)}\n{body}\n{indent})\n"
    if len(args) < 2 or not all(_ATOM.fullmatch(a) for a in args):
        return None
    exploded = "".join(f"{inner}{a},\n" for a in args)
    return f"{head.group(0)}\n{exploded}{indent})\n"


def _split_annotated(
    statement: _Statement, depth: int, opens_block: bool
) -> str | None:
    """A one-line ``name: annotation``, ``name: annotation = value``, ``name = value`` or
    ``class Name(bases):`` laid out by ``generator.linesplit`` as black lays it out (a
    model's fields, the aliases of unions and tagged unions); None for any other statement.
    """
    if statement.needs_black or statement.text.count("\n") != 1:
        return None
    if opens_block and not statement.text.lstrip(" ").startswith("class "):
        return None
    return split_statement(_requoted(statement), depth)


_CALL_HEAD = re.compile(r"( *)(?:return |(?:self\.)?\w+ = )\w+\(")
#: An argument black leaves on its line however long: a name or a plain string.
_ATOM = re.compile(r"""\w+|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")


def _statements(text: str) -> list[_Statement]:
    """``text`` cut into logical lines (each with its newline), blank and comment lines apart."""
    statements: list[_Statement] = []
    start = 0
    depth = 0
    current = _Statement("")
    tokens = 0
    last_end = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        previous_end, last_end = last_end, match.end()
        if kind == "newline":
            if depth:
                continue
            current.text = text[start : match.end()]
            current.only_string = (
                tokens == 1
                and len(current.strings) == 1
                and current.text.strip() == text[slice(*current.strings[0])]
            )
            current.strings = [(s - start, e - start) for s, e in current.strings]
            statements.append(current)
            start, current, tokens = match.end(), _Statement(""), 0
            continue
        tokens += 1
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                raise _Unexpected("unbalanced brackets")
        elif kind == "string":
            begin = match.start()  # before the quote: up to two prefix letters
            while (
                begin > max(previous_end, match.start() - 2)
                and text[begin - 1] in _STRING_PREFIX_LETTERS
            ):
                begin -= 1
            if begin < match.start() or match.group(0).startswith("'''"):
                current.needs_black = True
            current.strings.append((begin, match.end()))
        elif kind == "comment":
            if depth or "fmt:" in match.group(0):
                raise _Unexpected("a comment inside brackets, or a fmt: directive")
            tokens -= 1
        elif kind == "number":
            if not match.group(0).isdigit() and not re.fullmatch(
                r"\d+\.\d+", match.group(0)
            ):
                current.needs_black = True
        elif kind == "odd":
            if match.group(0) in ("\\", ";", "\t", '"', "'"):
                raise _Unexpected(f"{match.group(0)!r} outside a string")
            current.needs_black = True
    if depth or text[start:].strip():
        raise _Unexpected("the text does not end with a complete line")
    return statements


def _depth(indents: list[int], indent: int, expect_deeper: bool) -> int:
    """The block depth of a statement indented ``indent`` spaces; the indentation must be
    black's own (4 spaces a level)."""
    if expect_deeper:
        if indent != indents[-1] + len(_INDENT):
            raise _Unexpected("a block not indented by 4")
        indents.append(indent)
    else:
        while indents and indent < indents[-1]:
            indents.pop()
        if not indents or indents[-1] != indent:
            raise _Unexpected("a dedent to no enclosing block")
    return len(indents) - 1


def _ends_block_header(statement: _Statement) -> bool:
    last = _code_only(statement).rstrip("\n").rsplit("\n", 1)[-1]
    return last.split("#", 1)[0].rstrip().endswith(":")


def _check_comment(text: str) -> None:
    line = text.rstrip("\n").lstrip(" ")
    if (
        not _CANONICAL_COMMENT.fullmatch(line)
        or line != line.rstrip()
        or "fmt:" in line
    ):
        raise _Unexpected("a comment black would change")


def _laid_out(statement: _Statement) -> list[Piece] | None:
    """The statement as black lays it out, when its layout is black's but for items of an
    exploded bracket that are too long (those become snippets); None when black has to see
    the whole statement."""
    text = _requoted(statement)
    lines = text.rstrip("\n").split("\n")
    code = _code_only(statement).rstrip("\n").split("\n")
    if any(line != line.rstrip() for line in lines) or len(code) != len(lines):
        return None
    if len(lines) == 1:
        if _width(lines[0]) > LINE_LENGTH or _MAGIC_COMMA.search(code[0]):
            return None
        return [text]
    return _exploded(lines, code)


def _code_only(statement: _Statement) -> str:
    """The statement with its strings blanked, so that brackets in them do not count (joined
    once: cutting the text at each string cost the square of a long statement's length)."""
    text = statement.text
    pieces, end = [], 0
    for start, stop in statement.strings:  # in order, apart
        pieces += [text[end:start], '""']
        end = stop
    pieces.append(text[end:])
    return "".join(pieces)


def _exploded(lines: list[str], code: list[str]) -> list[Piece] | None:
    """A statement over several lines, when it is laid out as black lays out brackets with a
    magic trailing comma: a line ending in an opening bracket, the items one level deeper,
    each ending in a comma, and the closing bracket back at the opening line's indentation.
    An item too long for its line is formatted on its own, as black formats each item of an
    exploded bracket.

    A bracket holding a single item is not exploded by its comma (a one-tuple, one argument,
    one subscript), so it is left to black; so are lines whose brackets do not simply balance,
    open at the end, or close at the start. ``code`` is ``lines`` with every string emptied,
    so that brackets and commas in strings do not count.
    """
    base = len(lines[0]) - len(lines[0].lstrip(" "))
    is_def = bool(re.match(r" *(?:async )?def ", lines[0]))
    stack: list[list[Any]] = []  # per open bracket: [items, exploded by one item, kind]
    previous = ""
    out: list[Piece] = []
    for number, (line, plain) in enumerate(zip(lines, code)):
        body = plain.lstrip(" ")
        closes = body[:1] in ")]}"
        if number and len(plain) - len(body) != base + 4 * (len(stack) - closes):
            return None
        if closes:
            if not stack or not previous.endswith(","):
                return None
            items, magic_with_one, _ = stack.pop()
            if items < 2 and not magic_with_one:
                return None
            rest = body[1:]
        else:
            if stack:
                stack[-1][0] += 1
            rest = body
        balance = _balance(rest)
        if balance == 1 and rest.endswith(("(", "[", "{")):
            if _width(line) > LINE_LENGTH:
                return None
            head = rest[:-1].rstrip()
            after_name = head[-1:].isalnum() or head[-1:] in "_)]"
            kind = {
                "(": "call" if after_name else "tuple",
                "[": "subscript" if after_name else "list",
                "{": "dict",
            }[rest[-1]]
            if is_def and not stack:
                kind = "def"
            stack.append([0, kind in ("dict", "list"), kind])
        elif balance != 0:
            return None
        elif _width(line) > LINE_LENGTH and not _UNSPLITTABLE_ITEM.fullmatch(plain):
            if (
                closes
                or not stack
                or not line.endswith(",")
                or stack[-1][2] not in _ITEM_CONTEXT
            ):
                return None
            indent = len(plain) - len(body)
            if indent % 4:
                return None
            kind = stack[-1][2]
            split = split_statement(
                line + "\n", indent // 4 - 1, PARAMETER if kind == "def" else ELEMENT
            )
            out.append(
                split if split is not None else Snippet(line, kind, indent // 4 - 1)
            )
            previous = plain
            continue
        out.append(line + "\n")
        previous = plain
    return None if stack else out


#: How an item of each kind of bracket is formatted on its own: a bracket of that kind whose
#: first item is a placeholder.
_ITEM_CONTEXT = {
    "def": ("def _(", "_,", "): pass"),  # black puts ``pass`` on a line of its own
    "call": ("_(", "_,", ")"),
    "list": ("_ = [", "_,", "]"),
    "dict": ("_ = {", "_: _,", "}"),
}


def _balance(code: str) -> int:
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def _requoted(statement: _Statement) -> str:
    """The statement with each string literal quoted as black quotes it."""
    if not statement.strings:
        return statement.text
    text = statement.text
    pieces = []
    last = 0
    for start, end in statement.strings:
        pieces.append(text[last:start])
        pieces.append(black_quotes(text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def black_quotes(literal: str) -> str:
    """A plain (unprefixed) string literal with black's choice of quotes: double, unless that
    takes more backslashes than single quotes do."""
    if literal.startswith(('"""', "'''")) or literal[:1] not in "\"'":
        return literal
    if not any(c in literal[1:-1] for c in "\"'\\"):  # most: only the quotes to choose
        return f'"{literal[1:-1]}"'
    parts = _ESCAPE.findall(literal[1:-1])
    chars = [p[1] if p in ("\\'", '\\"') else p for p in parts]
    double = "".join('\\"' if c == '"' else c for c in chars)
    single = "".join("\\'" if c == "'" else c for c in chars)
    if double.count("\\") <= single.count("\\"):
        return f'"{double}"'
    return f"'{single}'"


def _docstring(text: str, depth: int) -> str:
    """A docstring statement as black lays it out: quotes normalised, the first line stripped,
    later lines re-indented to the block (their common indentation removed) and stripped at the
    end, padding where the text starts or ends with a quote or a backslash, and the closing
    quotes on a line of their own when they would not fit."""
    literal = text.strip()
    if re.search(r"\\\s*\n", literal):
        raise _Unexpected("a docstring with a backslash continuation")
    literal = black_quotes(literal)
    quote = literal[0]
    width = 3 if literal[1:3] == quote * 2 else 1
    inner = literal[width:-width]
    started_empty = not inner
    indent = _INDENT * depth
    if "\n" in literal:
        inner = _reindented(inner, indent)
    else:
        inner = inner.strip()
    trailing_backslash = False
    if inner:
        if inner[0] == quote:
            inner = " " + inner
        if inner[-1] == quote:
            inner += " "
        if inner[-1] == "\\" and (len(inner) - len(inner.rstrip("\\"))) % 2:
            inner += " "
            trailing_backslash = True
    elif not started_empty:
        inner = " "
    marks = quote * width
    closing = marks
    if width == 3:
        lines = inner.splitlines()
        last_length = len(lines[-1]) if inner and not inner.endswith("\n") else 0
        if (
            len(lines) > 1
            and last_length + width > LINE_LENGTH
            and len(indent) + width <= LINE_LENGTH
            and not trailing_backslash
        ):
            closing = marks if literal[-1 - width] == "\n" else "\n" + indent + marks
    return f"{indent}{marks}{inner}{closing}\n"


def _reindented(inner: str, indent: str) -> str:
    """PEP 257's indentation handling, as black applies it to a docstring's text."""
    lines = [_tabs_expanded(line) for line in _LINE_BREAK.split(inner)]
    margins = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(margins) if margins else sys.maxsize
    kept = [lines[0].strip()]
    if margin < sys.maxsize:
        last = len(lines) - 2
        for number, line in enumerate(lines[1:]):
            rest = line[margin:].rstrip()
            kept.append(indent + rest if rest or number == last else "")
    return "\n".join(kept)


def _tabs_expanded(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped == line:
        return line
    lead = line[: len(line) - len(stripped)]
    return lead.expandtabs(4) + stripped
