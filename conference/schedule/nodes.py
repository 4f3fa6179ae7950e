"""Typed reading of a composed YAML node tree, collecting a Problem with its line for each bad value."""

import difflib
import functools
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 5000
MAX_URL_CHARS = 2000
MAX_KEY_CHARS = 100

_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"

_BOOLEANS = yaml.constructor.SafeConstructor.bool_values
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_COUNTRY = re.compile(r"[A-Z]{2}")

# The YAML 1.1 patterns minus their base-60 branches, so that "13:00" stays text instead of 780.
_DECIMAL_ONLY = {
    _INT: re.compile(
        r"""^(?:[-+]?0b[0-1_]+
            |[-+]?0[0-7_]+
            |[-+]?(?:0|[1-9][0-9_]*)
            |[-+]?0x[0-9a-fA-F_]+)$""",
        re.X,
    ),
    _FLOAT: re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
            |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
}


class ScheduleLoader(yaml.SafeLoader):
    """A SafeLoader that reads unquoted times such as 13:00 as text."""


ScheduleLoader.yaml_implicit_resolvers = {
    first: [(tag, _DECIMAL_ONLY.get(tag, regexp)) for tag, regexp in resolvers]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a programme; line is 1-based, 0 when it concerns the whole file."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line > 0 else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def compose(text: str) -> tuple[Node | None, list[Problem]]:
    """The document's node tree, or None and the reason it does not parse."""
    try:
        root = yaml.compose(text, Loader=ScheduleLoader)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        return None, [Problem(line, "", f"unacceptable character U+{exc.character:04X}: {exc.reason}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Problem(line, "", f"this is not valid YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(1, "", f"this is not valid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(1, "", "this is nested too deeply to be a programme")]
    if root is None:
        return None, [Problem(1, "", "the file is empty; it should hold conference, stages and sessions")]
    return root, []


@dataclass(frozen=True)
class Fields:
    """The fields of one YAML mapping by name, with where to report problems about them."""

    node: MappingNode
    path: str
    values: dict[str, Node]

    def get(self, name: str) -> Node | None:
        return self.values.get(name)

    def node_of(self, name: str) -> Node:
        return self.values.get(name, self.node)

    def at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name


def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL and not node.style:
        return "empty"
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f'"{value}"'


def suggestion(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


@functools.cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class NodeReader:
    """Reads typed values out of Fields; a bad or absent value gives None and, if bad, a Problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def report(self, node: Node, field: str, message: str) -> None:
        self.problems.append(Problem(line_of(node), field, message))

    def fields(self, node: Node | None, path: str, spec: Mapping[str, bool], what: str = "") -> Fields | None:
        """The mapping's fields; spec maps each allowed name to whether it is required."""
        if node is None:
            return None
        if not isinstance(node, MappingNode):
            expected = what or "fields such as " + ", ".join(list(spec)[:3])
            self.report(node, path, f"should be a mapping with {expected}, not {describe(node)}")
            return None
        values: dict[str, Node] = {}
        for name_node, value_node in node.value:
            if not isinstance(name_node, ScalarNode):
                self.report(name_node, path, f"a field name must be a word, not {describe(name_node)}")
                continue
            name = name_node.value
            field = f"{path}.{name}" if path else name
            if name in values:
                self.report(name_node, field, f"is given twice (first on line {line_of(values[name])})")
            elif name in spec:
                values[name] = value_node
            elif name == "<<":
                self.report(name_node, path, "YAML merge keys (<<) are not supported; write the fields out")
            else:
                self.report(name_node, field, f'unknown field "{_short(name)}"{suggestion(name, spec)}')
        fields = Fields(node, path, values)
        for name, required in spec.items():
            if required and name not in values:
                self.report(node, fields.at(name), "is required")
        return fields

    def items(self, fields: Fields, name: str) -> list[tuple[str, Node]]:
        """A list field's items with their paths; absent or empty gives no items."""
        node = fields.get(name)
        if node is None or self.is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.report(node, fields.at(name), f"should be a list, not {describe(node)}")
            return []
        return [(f"{fields.at(name)}[{index}]", item) for index, item in enumerate(node.value)]

    @staticmethod
    def is_null(node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == _NULL and not node.style

    def scalar(self, node: Node | None, field: str, required: bool) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode):
            self.report(node, field, f"should be a single value, not {describe(node)}")
            return None
        if self.is_null(node):
            if required:
                self.report(node, field, "must not be empty")
            return None
        return node.value

    def text(
        self, fields: Fields, name: str, *, required: bool = False, max_chars: int = MAX_NAME_CHARS
    ) -> str | None:
        # The raw scalar is kept whatever YAML 1.1 would make of it: a country "NO" is not false.
        value = self.scalar(fields.get(name), fields.at(name), required)
        if value is None:
            return None
        if required and not value.strip():
            self.report(fields.node_of(name), fields.at(name), "must not be empty")
            return None
        if len(value) > max_chars:
            message = f"is {len(value)} characters long; at most {max_chars} are allowed"
            self.report(fields.node_of(name), fields.at(name), message)
            return None
        return value

    def matching(
        self, fields: Fields, name: str, pattern: re.Pattern[str], hint: str, required: bool
    ) -> str | None:
        value = self.scalar(fields.get(name), fields.at(name), required)
        if value is None:
            return None
        if not pattern.fullmatch(value):
            self.report(fields.node_of(name), fields.at(name), f'"{_short(value)}" {hint}')
            return None
        return value

    def key(self, fields: Fields, name: str, required: bool = True) -> str | None:
        value = self.matching(
            fields,
            name,
            _KEY,
            'is not a key: use letters, digits, "-", "_" or ".", starting with a letter or digit',
            required,
        )
        if value is not None and len(value) > MAX_KEY_CHARS:
            self.report(fields.node_of(name), fields.at(name), f"is over {MAX_KEY_CHARS} characters long")
            return None
        return value

    def unique_key(self, fields: Fields, name: str, seen: dict[str, int], what: str) -> str | None:
        """A key that must not repeat one already in seen (key -> line), which it is added to."""
        value = self.key(fields, name)
        if value is None:
            return None
        node = fields.node_of(name)
        if value in seen:
            self.report(node, fields.at(name), f'{what} "{value}" is already defined on line {seen[value]}')
        else:
            seen[value] = line_of(node)
        return value

    def choice(self, fields: Fields, name: str, choices: tuple[str, ...]) -> str | None:
        value = self.scalar(fields.get(name), fields.at(name), required=True)
        if value is None:
            return None
        if value not in choices:
            hint = f"{suggestion(value, choices)}; use one of {', '.join(choices)}"
            message = f'unknown {name} "{_short(value)}"{hint}'
            self.report(fields.node_of(name), fields.at(name), message)
            return None
        return value

    def day(self, fields: Fields, name: str) -> date | None:
        value = self.scalar(fields.get(name), fields.at(name), required=True)
        if value is None:
            return None
        try:
            if not _DAY.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.report(
                fields.node_of(name), fields.at(name), f'"{_short(value)}" is not a date like 2021-09-13'
            )
            return None

    def clock(self, fields: Fields, name: str) -> time | None:
        value = self.scalar(fields.get(name), fields.at(name), required=True)
        if value is None:
            return None
        match = _CLOCK.fullmatch(value)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            message = f'"{_short(value)}" is not a time of day like "13:00" (24-hour, in quotes)'
            self.report(fields.node_of(name), fields.at(name), message)
            return None
        return time(int(match[1]), int(match[2]))

    def timezone(self, fields: Fields, name: str) -> str | None:
        value = self.scalar(fields.get(name), fields.at(name), required=True)
        if value is None:
            return None
        if value not in known_timezones():
            message = f'unknown time zone "{_short(value)}"{suggestion(value, known_timezones())}'
            self.report(
                fields.node_of(name), fields.at(name), message + '; use an IANA name like "Europe/Paris"'
            )
            return None
        return value

    def integer(self, fields: Fields, name: str, low: int, high: int, required: bool = False) -> int | None:
        node = fields.get(name)
        raw = self.scalar(node, fields.at(name), required)
        if node is None or raw is None:
            return None
        value = None
        # Pattern first: PyYAML's constructor fails on "!!int ''" and reads "!!int 1:30" as 90.
        if node.tag == _INT and _DECIMAL_ONLY[_INT].match(raw):
            try:
                value = yaml.constructor.SafeConstructor().construct_yaml_int(node)
            except ValueError:  # over Python's 4300-digit limit on int()
                value = None
        if value is None or not low <= value <= high:
            self.report(node, fields.at(name), f'"{_short(raw)}" is not a whole number from {low} to {high}')
            return None
        return value

    def boolean(self, fields: Fields, name: str) -> bool | None:
        node = fields.get(name)
        raw = self.scalar(node, fields.at(name), required=False)
        if node is None or raw is None:
            return None
        if node.tag != _BOOL or raw.lower() not in _BOOLEANS:
            self.report(node, fields.at(name), f'"{_short(raw)}" should be true or false')
            return None
        return _BOOLEANS[raw.lower()]

    def url(self, fields: Fields, name: str) -> str | None:
        value = self.scalar(fields.get(name), fields.at(name), required=False)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        # Pages render these as links and iframes, so javascript: and the like must never get through.
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or len(value) > MAX_URL_CHARS
        ):
            message = f'"{_short(value)}" is not a web address starting with https://'
            self.report(fields.node_of(name), fields.at(name), message)
            return None
        return value

    def language(self, fields: Fields, name: str) -> str | None:
        return self.matching(fields, name, _LANGUAGE, 'is not a two-letter ISO 639-1 code like "en"', False)

    def country(self, fields: Fields, name: str) -> str | None:
        return self.matching(fields, name, _COUNTRY, 'is not a two-letter ISO 3166 code like "FR"', False)

    def reference(self, node: Node | None, field: str, known: Mapping[str, object], what: str) -> str | None:
        value = self.scalar(node, field, required=True)
        if node is None or value is None:
            return None
        if value not in known:
            self.report(node, field, f'unknown {what} "{_short(value)}"{suggestion(value, known)}')
            return None
        return value

    def references(
        self, fields: Fields, name: str, known: Mapping[str, object], what: str
    ) -> list[tuple[str, Node]]:
        """The known keys a list field names, each once, with its node."""
        found: dict[str, Node] = {}
        for path, item in self.items(fields, name):
            value = self.reference(item, path, known, what)
            if value is None:
                continue
            if value in found:
                self.report(item, path, f'{what} "{value}" is listed twice')
                continue
            found[value] = item
        return list(found.items())


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."
