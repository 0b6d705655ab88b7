"""Reading one Markdown file: its YAML front matter with the line number of every value, and its
body."""

import dataclasses
from pathlib import Path

import yaml

from knowledge.interchange.format import MAX_FILE_BYTES, Problem

# =============================================================================================
# Reading a file: front matter with line numbers
# =============================================================================================


@dataclasses.dataclass
class Source:
    path: str  # as shown in messages
    data: dict  # front matter: str / None / list / dict values
    lines: dict  # key path tuple -> 1-based line in the file
    body: str
    body_line: int  # line of the first body line

    def line(self, keypath=()):
        keypath = tuple(keypath)
        while keypath:
            if keypath in self.lines:
                return self.lines[keypath]
            keypath = keypath[:-1]
        return 1


def _yaml_value(node, keypath, lines, problems, offset):
    """Plain data from a YAML node: scalars stay strings (so NO, no, on, 012 are read as
    written); null, ~ and empty plain scalars are None. Typed values are parsed per key."""
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and node.value in ("", "~", "null", "Null", "NULL"):
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        values = []
        for index, item in enumerate(node.value):
            lines[(*keypath, index)] = item.start_mark.line + offset
            values.append(_yaml_value(item, (*keypath, index), lines, problems, offset))
        return values
    values = {}
    first_seen = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + offset
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append((line, "a key must be a plain word"))
            continue
        key = key_node.value
        if key in first_seen:
            problems.append((line, f"duplicate key '{key}' (first on line {first_seen[key]})"))
            continue
        first_seen[key] = line
        lines[(*keypath, key)] = line
        values[key] = _yaml_value(value_node, (*keypath, key), lines, problems, offset)
    return values


MAX_YAML_DEPTH = 10


def _yaml_structure_problem(yaml_text):
    """(line, message) when the front matter uses aliases or nests too deep, else None.
    Checked on the event stream, before anything is built: an alias can expand a few lines
    into billions of values ("billion laughs") or refer to itself, and front matter needs
    neither aliases nor deep nesting."""
    depth = 0
    for event in yaml.parse(yaml_text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 2
        if isinstance(event, yaml.AliasEvent):
            return line, f"YAML aliases (*{event.anchor}) are not allowed; write the value out"
        if getattr(event, "anchor", None):
            return line, f"YAML anchors (&{event.anchor}) are not allowed; write the value out"
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line, f"the front matter nests deeper than {MAX_YAML_DEPTH} levels"
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return None


def read_source(path, display=None):
    """(Source or None, [Problem]) for one file."""
    display = display or str(path)
    path = Path(path)

    def fail(line, message):
        return None, [Problem(display, line, message)]

    try:
        size = path.stat().st_size
    except OSError as exc:
        return fail(1, f"cannot read the file: {exc.strerror or exc}")
    if size > MAX_FILE_BYTES:
        return fail(1, f"file too large: {size:,} bytes (the limit is {MAX_FILE_BYTES:,})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail(1, f"cannot read the file: {exc.strerror or exc}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return fail(line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return fail(
            1, "no front matter: the file must begin with a line '---', the YAML keys and '---'"
        )
    end = next((index for index in range(1, len(lines)) if lines[index].rstrip() == "---"), None)
    if end is None:
        return fail(1, "the front matter is not closed: no second line '---'")
    yaml_text = "\n".join(lines[1:end])
    try:
        refused = _yaml_structure_problem(yaml_text)
        if refused:
            return fail(*refused)
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        detail = f"{problem} ({context})" if context else problem
        return fail(line, f"broken YAML: {detail}")
    if node is None:
        return fail(2, "the front matter is empty")
    if not isinstance(node, yaml.MappingNode):
        return fail(node.start_mark.line + 2, "the front matter must be 'key: value' lines")
    key_lines = {}
    yaml_problems = []
    values = _yaml_value(node, (), key_lines, yaml_problems, offset=2)
    if yaml_problems:
        return None, [Problem(display, line, message) for line, message in yaml_problems]
    return Source(
        path=display,
        data=values,
        lines=key_lines,
        body="\n".join(lines[end + 1 :]),
        body_line=end + 2,
    ), []
