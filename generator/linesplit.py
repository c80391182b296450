"""Black's splitting of a long line, for the statements the built-in templates write that
outgrow their line most: a name with a type annotation, and perhaps a value (a model's
field, a type alias, a tagged union), a method's parameter, an element of a list or call
(``ResponseType(...)``), a class header, whose expressions are names, strings, numbers,
subscripts, calls, dicts and ``|``.

This follows black's own rules (``black/linegen.py``: the right-hand split with its trailers
omitted in turn, the optional parentheses and when black keeps them, the split at the
delimiters of highest priority, magic trailing commas, and black's second pass over its own
output), written for those shapes only. Anything else (a comment, an operator but ``|``, a
keyword, a slice, a string with a prefix, ...) gives None, and the statement goes to black.
``tests/unit/test_blackline.py`` compares it with black case by case, and
``tests/corpus/test_corpus.py`` statement by statement over every package of the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from black.strings import str_width as _width

LINE_LENGTH = 88

_NAME, _NUMBER, _STRING, _DOT, _COMMA, _VBAR, _EQUAL, _COLON = range(8)
_LPAR, _RPAR, _LSQB, _RSQB, _LBRACE, _RBRACE = range(8, 14)
_OPENING = {_LPAR, _LSQB, _LBRACE}
_CLOSING = {_RPAR, _RSQB, _RBRACE}
_BRACKETS = _OPENING | _CLOSING
_CLOSER = {_LPAR: _RPAR, _LSQB: _RSQB, _LBRACE: _RBRACE}
_KINDS = {
    ".": _DOT,
    ",": _COMMA,
    "|": _VBAR,
    "=": _EQUAL,
    ":": _COLON,
    "(": _LPAR,
    ")": _RPAR,
    "[": _LSQB,
    "]": _RSQB,
    "{": _LBRACE,
    "}": _RBRACE,
}
_COMMA_PRIORITY = 18
_VBAR_PRIORITY = 9
_TOKEN = re.compile(
    r"""(?P<space>[ \n]+)
    |(?P<name>[A-Za-z_]\w*)
    |(?P<number>\d+(?:\.\d+)?(?![\w.]))
    |(?P<string>"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\\\n]|\\[^\n])*')
    |(?P<op>[.,|=:()\[\]{}])
    """,
    re.VERBOSE,
)
# names black treats as operators or keywords that split or change a line
_KEYWORDS = {"and", "or", "not", "in", "is", "if", "else", "for", "lambda", "await"}
_KEYWORDS |= {"async", "yield", "print", "exec", "del", "assert", "return", "import"}


class _CannotSplit(Exception):
    """Black's CannotTransform: this way of splitting does not apply."""


class _Unsupported(Exception):
    """A statement outside the shapes handled here."""


@dataclass(eq=False)
class _Leaf:
    kind: int
    value: str
    prefix: str = ""
    depth: int = 0
    opening: _Leaf | None = None
    # the tree facts black reads from a leaf's parent
    trailer: bool = False  # a bracket of a call or a subscript, not of an atom
    in_arglist: bool = False  # a comma between a call's arguments
    keyword: bool = False  # the ``=`` of a keyword argument
    detached: bool = False  # no parent: a comma black added, or a leaf it copied
    added: bool = False  # a comma black added

    def __str__(self) -> str:
        return self.prefix + self.value


@dataclass(eq=False)
class _Tracker:
    """Black's BracketTracker: depths, matching brackets and the delimiters at depth 0."""

    depth: int = 0
    match: dict[tuple[int, int], _Leaf] = field(default_factory=dict)
    delimiters: dict[int, int] = field(default_factory=dict)
    invisible: list[_Leaf] = field(default_factory=list)
    previous: _Leaf | None = None

    def mark(self, leaf: _Leaf) -> None:
        if self.depth == 0 and leaf.kind in _CLOSING:
            if (self.depth, leaf.kind) not in self.match:
                return
        if leaf.kind in _CLOSING:
            self.depth -= 1
            leaf.opening = self.match.pop((self.depth, leaf.kind))
            if not leaf.value:
                self.invisible.append(leaf)
        leaf.depth = self.depth
        if self.depth == 0:
            before = _VBAR_PRIORITY if leaf.kind == _VBAR and not leaf.detached else 0
            if before and self.previous is not None:
                self.delimiters[id(self.previous)] = before
            elif leaf.kind == _COMMA:
                self.delimiters[id(leaf)] = _COMMA_PRIORITY
        if leaf.kind in _OPENING:
            self.match[self.depth, _CLOSER[leaf.kind]] = leaf
            self.depth += 1
            if not leaf.value:
                self.invisible.append(leaf)
        self.previous = leaf

    def max_priority(self, exclude: set[int] | None = None) -> int:
        return max(v for k, v in self.delimiters.items() if k not in (exclude or ()))

    def count(self, priority: int) -> int:
        return sum(1 for p in self.delimiters.values() if p == priority)


@dataclass(eq=False)
class _Line:
    depth: int
    inside_brackets: bool = False
    should_split_rhs: bool = False
    magic_trailing_comma: _Leaf | None = None
    leaves: list[_Leaf] = field(default_factory=list)
    tracker: _Tracker = field(default_factory=_Tracker)

    def append(self, leaf: _Leaf, marked: bool = True) -> None:
        if marked or self.inside_brackets:
            self.tracker.mark(leaf)
            if (
                leaf.kind in _CLOSING
                and self.leaves
                and self.leaves[-1].kind == _COMMA
                and self._magic_comma_before(leaf)
            ):
                self.magic_trailing_comma = leaf
        self.leaves.append(leaf)

    def _magic_comma_before(self, closing: _Leaf) -> bool:
        """Black's has_magic_trailing_comma, ``closing`` coming after a comma."""
        if closing.kind == _RBRACE:
            return True
        if closing.kind == _RSQB:
            return not (
                closing.trailer
                and not closing.detached
                and closing.opening is not None
                and _one_sequence(closing.opening, closing, self.leaves, _LSQB)
            )
        return closing.opening is not None and not _one_sequence(
            closing.opening, closing, self.leaves, _LPAR
        )

    def __bool__(self) -> bool:
        return bool(self.leaves)

    def __str__(self) -> str:
        first = self.leaves[0]
        rest = "".join([leaf.prefix + leaf.value for leaf in self.leaves[1:]])
        return first.prefix + "    " * self.depth + first.value + rest


def _one_sequence(
    opening: _Leaf, closing: _Leaf, leaves: list[_Leaf], kind: int
) -> bool:
    if (opening.kind, closing.kind) != (kind, _CLOSER[kind]):
        return False
    depth = closing.depth + 1
    try:
        start = next(i for i, leaf in enumerate(leaves) if leaf is opening)
    except StopIteration:
        return False
    commas = 0
    for leaf in leaves[start + 1 :]:
        if leaf is closing:
            break
        if leaf.depth == depth and leaf.kind == _COMMA:
            commas += 1
            if leaf.in_arglist and not leaf.detached:
                commas += 1
                break
    return commas < 2


def _fits(line: _Line, limit: int = LINE_LENGTH) -> bool:
    return _width(str(line)) <= limit


def _lengths(line: _Line, reverse: bool = False) -> Iterator[tuple[int, _Leaf, int]]:
    indexed = list(enumerate(line.leaves))
    for index, leaf in reversed(indexed) if reverse else indexed:
        yield index, leaf, len(leaf.prefix) + len(leaf.value)


# -- black's transform_line and its transformers ------------------------------------------

_Transformer = Callable[["_Line", bool], Iterator["_Line"]]


def _transform(line: _Line, force: bool) -> list[_Line]:
    """Black's transform_line: a line that fits stays; one inside brackets is split at its
    delimiters, else at its last brackets (the right-hand split)."""
    text = str(line)
    if not line.should_split_rhs and not line.magic_trailing_comma and _fits(line):
        return [line]
    transformers = [_delimiter_split, _rhs] if line.inside_brackets else [_rhs]
    for transform in transformers:
        try:
            return _run(line, transform, text, force)
        except _CannotSplit:
            continue
    return [line]


def _run(line: _Line, transform: _Transformer, text: str, force: bool) -> list[_Line]:
    """Black's run_transformer: each line the transform makes, transformed in turn; after a
    right-hand split that kept the optional parentheses invisible and left a first line
    too long, a second try with them forced (``force``), taken if all its lines fit."""
    optional = [b for b in line.tracker.invisible if b.depth == 0]
    result: list[_Line] = []
    for transformed in transform(line, force):
        if str(transformed) == text:
            raise _CannotSplit("unchanged")
        result.extend(_transform(transformed, force))
    if (
        force
        or transform is not _rhs
        or not line.tracker.invisible
        or any(b.value for b in optional)
        or _fits(result[0])
        or any(leaf.detached for leaf in line.leaves)
    ):
        return result
    copy = _Line(
        line.depth,
        line.inside_brackets,
        line.should_split_rhs,
        line.magic_trailing_comma,
    )
    previous: _Leaf | None = None
    for old in line.leaves:
        new = _Leaf(
            old.kind,
            old.value,
            _space(old, previous) if copy.leaves else "",
            trailer=old.trailer,
            in_arglist=old.in_arglist,
            keyword=old.keyword,
        )
        old.detached = True
        copy.append(new)
        previous = new
    second = _run(copy, transform, text, True)
    return second if all(_fits(ln) for ln in second) else result


def _delimiter_split(line: _Line, force: bool) -> Iterator[_Line]:
    """One line per delimiter of the highest priority (a comma added after the last item
    of a split at commas)."""
    if not line.leaves:
        raise _CannotSplit("empty")
    last = line.leaves[-1]
    try:
        priority = line.tracker.max_priority({id(last)})
    except ValueError:
        raise _CannotSplit("no delimiters") from None
    current = _Line(line.depth, line.inside_brackets)
    for leaf in line.leaves:
        current.append(leaf)
        if line.tracker.delimiters.get(id(leaf)) == priority:
            current.leaves[0].prefix = ""
            yield current
            current = _Line(line.depth, line.inside_brackets)
    if current:
        if priority == _COMMA_PRIORITY and current.leaves[-1].kind != _COMMA:
            current.append(_Leaf(_COMMA, ",", detached=True, added=True))
        current.leaves[0].prefix = ""
        yield current


def _rhs(line: _Line, force: bool) -> Iterator[_Line]:
    """Black's right_hand_split_with_omits: the split at the last brackets, or at earlier
    ones with the trailers after them kept on the last line, the first whose head fits.
    """
    starts: dict[int, int] = {}
    length = 4 * line.depth
    for leaf in line.leaves:
        starts[id(leaf)] = length
        length += len(leaf.prefix) + len(leaf.value)
    first_lines: list[_Line] | None = None
    for omit in _trailers_to_omit(line):
        if omit:
            target = next(
                (
                    leaf.opening
                    for leaf in reversed(line.leaves)
                    if leaf.kind in _CLOSING and id(leaf) not in omit
                ),
                None,
            )
            if target is not None and target.value:
                if starts.get(id(target), 0) > LINE_LENGTH:
                    continue
        lines = _right_hand_split(line, force, omit)
        if first_lines is None and not omit:
            first_lines = lines
        if _fits(lines[0]):
            yield from lines
            return
    yield from (
        first_lines
        if first_lines is not None
        else _right_hand_split(line, force, set())
    )


def _trailers_to_omit(line: _Line) -> Iterator[set[int]]:
    """Black's generate_trailers_to_omit: the closing brackets, from the end, a split may
    keep on its last line (never one after a magic trailing comma)."""
    omit: set[int] = set()
    if not line.magic_trailing_comma:
        yield omit
    length = 4 * line.depth
    opening: _Leaf | None = None
    closing: _Leaf | None = None
    inner: set[int] = set()
    for index, leaf, leaf_length in _lengths(line, reverse=True):
        length += leaf_length
        if length > LINE_LENGTH:
            break
        previous = line.leaves[index - 1] if index > 0 else None
        if opening is not None:
            if leaf is opening:
                opening = None
            elif leaf.kind in _CLOSING:
                if _trailing_comma_pair(leaf, previous, line):
                    break
                inner.add(id(leaf))
        elif leaf.kind in _CLOSING:
            if previous is not None and previous.kind in _OPENING:
                inner.add(id(leaf))
                continue
            if closing is not None:
                omit.add(id(closing))
                omit.update(inner)
                inner.clear()
                yield omit
            if _trailing_comma_pair(leaf, previous, line):
                break
            if leaf.value:
                opening = leaf.opening
                closing = leaf


def _trailing_comma_pair(leaf: _Leaf, previous: _Leaf | None, line: _Line) -> bool:
    return (
        previous is not None
        and previous.kind == _COMMA
        and leaf.opening is not None
        and not _one_sequence(leaf.opening, leaf, line.leaves, _LPAR)
    )


@dataclass
class _RHS:
    head: _Line
    body: _Line
    tail: _Line
    opening: _Leaf
    closing: _Leaf


def _right_hand_split(line: _Line, force: bool, omit: set[int]) -> list[_Line]:
    return _maybe_omitting_optional_parens(_first_rhs(line, omit), line, force, omit)


def _first_rhs(line: _Line, omit: set[int]) -> _RHS:
    tail: list[_Leaf] = []
    body: list[_Leaf] = []
    head: list[_Leaf] = []
    current = tail
    opening: _Leaf | None = None
    closing: _Leaf | None = None
    for leaf in reversed(line.leaves):
        if current is body and leaf is opening:
            current = head if body else tail
        current.append(leaf)
        if current is tail and leaf.kind in _CLOSING and id(leaf) not in omit:
            opening = leaf.opening
            closing = leaf
            current = body
    if opening is None or closing is None or not head:
        raise _CannotSplit("no brackets")
    tail.reverse()
    body.reverse()
    head.reverse()
    head_line = _Line(line.depth)
    tracked = _inside_matching_brackets(head)
    for leaf in head:
        head_line.append(leaf, marked=id(leaf) in tracked)
    body_line = _Line(line.depth + 1, inside_brackets=True)
    for leaf in body:
        body_line.append(leaf)
    if _should_split(body_line, opening):
        body_line.should_split_rhs = True
    tail_line = _Line(line.depth)
    for leaf in tail:
        tail_line.append(leaf, marked=False)
    if not body_line:
        tail_length = len(str(tail_line).strip()) if tail_line else 0
        if tail_length < 3:
            raise _CannotSplit("nothing gained")
    return _RHS(head_line, body_line, tail_line, opening, closing)


def _inside_matching_brackets(leaves: list[_Leaf]) -> set[int]:
    ids: set[int] = set()
    stack: list[tuple[int, list[int]]] = []
    started = False
    for leaf in leaves:
        if leaf.kind in _OPENING:
            started = True
            stack.append((_CLOSER[leaf.kind], [id(leaf)]))
        elif not started:
            continue
        elif leaf.kind in _CLOSING:
            if stack and leaf.kind == stack[-1][0]:
                _, level = stack.pop()
                level.append(id(leaf))
                ids.update(level)
            else:
                break
        elif stack:
            stack[-1][1].append(id(leaf))
    return ids


def _should_split(body: _Line, opening: _Leaf) -> bool:
    if opening.detached:
        return False
    exclude: set[int] = set()
    trailing_comma = False
    if not body.leaves:
        return False
    if body.leaves[-1].kind == _COMMA:
        trailing_comma = True
        exclude.add(id(body.leaves[-1]))
    try:
        priority = body.tracker.max_priority(exclude)
    except ValueError:
        return False
    return priority == _COMMA_PRIORITY and (trailing_comma or not opening.trailer)


def _maybe_omitting_optional_parens(
    rhs: _RHS, line: _Line, force: bool, omit: set[int]
) -> list[_Line]:
    """A split at invisible parentheses, or, where black prefers it, at the brackets before
    them; the parentheses a split is made at become visible."""
    if (
        not force
        and rhs.opening.kind == _LPAR
        and not rhs.opening.value
        and rhs.closing.kind == _RPAR
        and not rhs.closing.value
        and _can_omit_invisible_parens(rhs)
    ):
        omit = {id(rhs.closing), *omit}
        try:
            rhs_oop = _first_rhs(line, omit)
            if _prefer_split_without_parens(rhs_oop, rhs):
                return _maybe_omitting_optional_parens(rhs_oop, line, force, omit)
        except _CannotSplit as error:
            chained = sum(leaf.kind == _EQUAL for leaf in line.leaves) > 1
            if not chained and not _can_be_split(rhs.body) and not _fits(rhs.body):
                raise _CannotSplit(
                    "the body is too long and cannot be split"
                ) from error
    if rhs.opening.kind == _LPAR:  # black's ensure_visible
        rhs.opening.value = "("
    if rhs.closing.kind == _RPAR:
        rhs.closing.value = ")"
    return [part for part in (rhs.head, rhs.body, rhs.tail) if part]


def _can_be_split(line: _Line) -> bool:
    return len(line.leaves) >= 2


def _can_omit_invisible_parens(rhs: _RHS) -> bool:
    line = rhs.body
    tracker = line.tracker
    if not tracker.delimiters:
        return True
    priority = tracker.max_priority()
    if tracker.count(priority) > 1:
        return False
    first, second = line.leaves[0], line.leaves[1]
    if first.kind in _OPENING and second.kind not in _CLOSING:
        if _can_omit_opening_paren(line, first):
            return True
    penultimate, last = line.leaves[-2], line.leaves[-1]
    if (
        last.kind in (_RPAR, _RBRACE)
        or last.kind == _RSQB
        and not last.detached
        and not last.trailer
    ):
        if penultimate.kind in _OPENING:
            return False
        if _can_omit_closing_paren(line, last):
            return True
    return False


def _can_omit_opening_paren(line: _Line, first: _Leaf) -> bool:
    remainder = False
    length = 4 * line.depth
    index = -1
    for index, leaf, leaf_length in _lengths(line):
        if leaf.kind in _CLOSING and leaf.opening is first:
            remainder = True
        if remainder:
            length += leaf_length
            if length > LINE_LENGTH:
                return False
            if leaf.kind in _OPENING:
                remainder = False
    return len(line.leaves) == index + 1


def _can_omit_closing_paren(line: _Line, last: _Leaf) -> bool:
    length = 4 * line.depth
    seen_other_brackets = False
    for _, leaf, leaf_length in _lengths(line):
        length += leaf_length
        if leaf is last.opening:
            if seen_other_brackets or length <= LINE_LENGTH:
                return True
        elif leaf.kind in _OPENING:
            seen_other_brackets = True
    return False


def _prefer_split_without_parens(rhs_oop: _RHS, rhs: _RHS) -> bool:
    head = rhs.head.leaves
    if not (len(head) >= 2 and head[-2].kind == _EQUAL):
        return True
    if not any(leaf.kind in _BRACKETS for leaf in head[:-1]):
        return True
    if not _fits(rhs.head, LINE_LENGTH - 1):
        return True
    if rhs.head.magic_trailing_comma is not None:
        return True
    equals = sum(leaf.kind == _EQUAL for leaf in head)
    oop_equals = sum(leaf.kind == _EQUAL for leaf in rhs_oop.head.leaves)
    if equals > 1 and equals > oop_equals:
        return False
    for leaf in reversed(rhs_oop.head.leaves):
        if leaf.kind == _EQUAL:
            break
        if leaf.kind in _CLOSING:
            return True
    return oop_equals > 0 and _fits(rhs_oop.head)


# -- reading a statement -------------------------------------------------------------------


#: ``item`` for one parameter of an exploded ``def`` (``name: annotation = default,``), and
#: for one element of an exploded list or call (an expression and its comma)
PARAMETER = "parameter"
ELEMENT = "element"


def split_statement(text: str, depth: int, item: str = "") -> str | None:
    """``text``, one statement at block ``depth`` (or, with ``item``, one item ending in its
    comma of an exploded bracket at ``depth``), laid out as black lays it out; None when it
    is not a shape handled here."""
    try:
        first, added_commas = _laid_out(text, depth, item, written=text)
        if not added_commas:  # black's second pass reads the same leaves again
            return first
        second, _ = _laid_out(first, depth, item)  # black formats its own output again
    except (_Unsupported, ValueError, KeyError):
        return None
    return first if first == second else None


def one_line(text: str, depth: int, item: str = "") -> str | None:
    """``text``, a statement (or item) as black lays it out, back on one line as the
    templates write it: the input ``split_statement`` turns into ``text`` (for tests).
    """
    try:
        leaves = _leaves(text, item)
    except (_Unsupported, ValueError, KeyError):
        return None
    return f"{_Line(depth + 1 if item else depth, bool(item), leaves=leaves)}\n"


def _laid_out(text: str, depth: int, item: str, written: str = "") -> tuple[str, bool]:
    """One pass of black over the statement, and whether it added a trailing comma (only
    then can black's second pass, over its own output, lay it out otherwise: the visible
    parentheses it leaves become invisible again). ``written``, when given, must be the
    statement spaced as black spaces it (the templates write it so; else black has it).
    """
    leaves = _leaves(text, item)
    line = _Line(depth + 1 if item else depth, inside_brackets=bool(item))
    for leaf in leaves:
        line.append(leaf)
    if written and f"{line}\n" != written:
        raise _Unsupported("spaced otherwise than black spaces it")
    lines = _transform(line, False)
    added = any(leaf.added for ln in lines for leaf in ln.leaves)
    return "".join(f"{ln}\n" for ln in lines), added


def _leaves(text: str, item: str) -> list[_Leaf]:
    """The statement's leaves as black's line generator makes them: spaced as black spaces
    them, and an annotation and a value inside optional (invisible) parentheses."""
    tokens = _tokens(text)
    if item and (not tokens or tokens[-1].kind != _COMMA):
        raise _Unsupported("an item without its comma")
    body = tokens[:-1] if item else tokens
    if item == ELEMENT:
        out = _element(body)
    elif not item and body[0].value == "class":
        out = _class_header(body)
    else:
        out = _annotated(body, item == PARAMETER)
    if item:
        out.append(tokens[-1])
    previous: _Leaf | None = None
    for number, leaf in enumerate(out):
        leaf.prefix = _space(leaf, previous) if number else ""
        previous = leaf
    return out


def _element(body: list[_Leaf]) -> list[_Leaf]:
    """An element of a list or call: one expression (no keyword, no parenthesized atom)."""
    if not body or body[0].kind == _LPAR:
        raise _Unsupported("an empty or parenthesized element")
    for kind in (_COMMA, _EQUAL, _COLON):
        if len(_top_level_split(body, kind)) > 1:
            raise _Unsupported("not a single expression")
    return body


def _class_header(body: list[_Leaf]) -> list[_Leaf]:
    """``class Name(bases, keyword=value):``."""
    if (
        len(body) < 6
        or body[1].kind != _NAME
        or body[2].kind != _LPAR
        or body[-2].opening is not body[2]
        or body[-1].kind != _COLON
        or len(_top_level_split(body[3:-2], _COLON)) > 1
    ):
        raise _Unsupported("not a class header with bases")
    return body


def _annotated(body: list[_Leaf], parameter: bool) -> list[_Leaf]:
    """``name: annotation``, ``name: annotation = value`` or ``name = value``."""
    if len(body) < 3 or body[0].kind != _NAME or body[1].kind not in (_COLON, _EQUAL):
        raise _Unsupported("not an annotated name")
    parts = _top_level_split(body[2:], _EQUAL)
    if body[1].kind == _EQUAL:
        if parameter or len(parts) != 1:
            raise _Unsupported("a chained or plain assignment in a parameter")
        annotation, value = None, parts[0]
    elif len(parts) == 1:
        annotation, value = parts[0], None
    elif len(parts) == 2:
        annotation, value = parts
    else:
        raise _Unsupported("a chained assignment")
    out = [body[0], body[1]]
    if annotation is not None:
        out += _optional_parens(annotation, always=not parameter)
        if value is not None:
            out.append(_Leaf(_EQUAL, "="))
    if value is not None:
        out += value if parameter else _optional_parens(value, always=True)
    return out


def _optional_parens(expression: list[_Leaf], always: bool) -> list[_Leaf]:
    """The expression in invisible parentheses, as black puts them after ``:`` and ``=``;
    parentheses written around it become the invisible ones. In a parameter (``always``
    false) black adds them only around a union."""
    if not expression:
        raise _Unsupported("an empty expression")
    first, last = expression[0], expression[-1]
    if first.kind == _LPAR and not first.trailer and last.opening is first:
        inner = expression[1:-1]
        if not inner or _top_level_split(inner, _COMMA) != [inner]:
            raise _Unsupported("a tuple")
        if inner[0].kind == _LPAR and not inner[0].trailer:
            raise _Unsupported("nested parentheses")
        first.value = last.value = ""
        return expression
    if not always and _top_level_split(expression, _VBAR) == [expression]:
        return expression
    return [_Leaf(_LPAR, ""), *expression, _Leaf(_RPAR, "")]


def _top_level_split(leaves: list[_Leaf], kind: int) -> list[list[_Leaf]]:
    parts: list[list[_Leaf]] = [[]]
    depth = 0
    for leaf in leaves:
        if leaf.kind in _OPENING:
            depth += 1
        elif leaf.kind in _CLOSING:
            depth -= 1
        if depth == 0 and leaf.kind == kind:
            parts.append([])
        else:
            parts[-1].append(leaf)
    return parts


def _tokens(text: str) -> list[_Leaf]:
    """The tokens of ``text``, with the facts black reads from the syntax tree: which
    brackets belong to a call or subscript, which commas separate a call's arguments."""
    leaves: list[_Leaf] = []
    stack: list[_Leaf] = []
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise _Unsupported(f"{text[at]!r}")
        at = match.end()
        group = match.lastgroup
        value = match.group(0)
        previous = leaves[-1] if leaves else None
        if group == "space":
            continue
        if group == "name":
            after_class = len(leaves) == 1 and leaves[0].value == "class"
            after_name = previous is not None and previous.kind == _NAME
            if value in _KEYWORDS or (value == "class" and leaves):
                raise _Unsupported(value)
            if after_name and not after_class:
                raise _Unsupported(value)
            leaf = _Leaf(_NAME, value)
        elif group == "number":
            leaf = _Leaf(_NUMBER, value)
        elif group == "string":
            if previous is not None and previous.kind == _STRING:
                raise _Unsupported("implicitly joined strings")
            if match.start() and (
                text[match.start() - 1].isalnum() or text[match.start() - 1] == "_"
            ):
                raise _Unsupported("a string with a prefix")
            leaf = _Leaf(_STRING, value)
        else:
            leaf = _Leaf(_KINDS[value], value)
        if leaf.kind == _DOT and (previous is None or previous.kind != _NAME):
            raise _Unsupported("a dot after a bracket")
        if leaf.kind in _OPENING:
            leaf.trailer = previous is not None and previous.kind in (
                _NAME,
                _RPAR,
                _RSQB,
            )
            stack.append(leaf)
        elif leaf.kind in _CLOSING:
            if not stack or _CLOSER[stack[-1].kind] != leaf.kind:
                raise _Unsupported("unbalanced brackets")
            leaf.opening = stack.pop()
            leaf.trailer = leaf.opening.trailer
        elif leaf.kind == _COMMA and stack:
            leaf.in_arglist = stack[-1].kind == _LPAR and stack[-1].trailer
        elif leaf.kind == _EQUAL and stack:
            if stack[-1].kind != _LPAR or not stack[-1].trailer:
                raise _Unsupported("an = that is not a keyword argument's")
            leaf.keyword = True
        elif leaf.kind == _COLON and stack and stack[-1].kind != _LBRACE:
            raise _Unsupported("a slice")
        leaves.append(leaf)
    if stack:
        raise _Unsupported("unbalanced brackets")
    return leaves


def _space(leaf: _Leaf, previous: _Leaf | None) -> str:
    """The whitespace black puts before ``leaf`` in these statements."""
    if previous is None or leaf.kind in _CLOSING or leaf.kind in (_COMMA, _COLON):
        return ""
    if previous.kind in _OPENING or leaf.kind == _DOT or previous.kind == _DOT:
        return ""
    if leaf.kind in _OPENING and leaf.trailer:
        return ""
    if leaf.keyword or previous.keyword:
        return ""
    return " "
