"""Knowledge content as Markdown files with YAML front matter: parse, validate, import, export.

The format is documented in docs/knowledge-format.md. In short: one file per item,

    ---
    kind: factsheet
    title: Hot pursuit into Belgium
    country: BE
    topic: hot-pursuit
    reviewed: 2026-05-01
    ---

    The body, in Markdown.

`knowledge_import(paths=..., user=None)` validates every file first and collects every
problem (`path:line: problem`); if there is any it raises KnowledgeImportError and writes
nothing. Otherwise it writes everything in one transaction: an item whose import key (see
`Item.key`) matches an existing page updates that page with a new revision, published at once
(an import is an administrator's action, so it does not go through the review workflow); an
unchanged item writes nothing. `knowledge_export(path=...)` writes the live pages in the same
format; exporting and importing again changes nothing.

The rich text fields hold a small set of features (paragraphs, h2, h3, bold, italic, lists,
links). Markdown is converted with `markdown`, checked (anything else is an error), sanitised
with nh3 and stored in a canonical HTML form; the export turns that HTML back into Markdown
with the small deterministic converter below, so Markdown -> HTML -> Markdown -> HTML is stable.
Changes are detected on the canonical form, so an editor's markup (Draftail's block keys) does
not count as a change.
"""

import dataclasses
import datetime
import difflib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown as markdown_lib
import nh3
import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_unicode_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

MAX_FILE_BYTES = 1_000_000
KINDS = ("factsheet", "practice", "obstacle", "document")
KIND_FOLDERS = {
    "factsheet": "factsheets",
    "practice": "practices",
    "obstacle": "obstacles",
    "document": "documents",
}

# Front-matter keys of each kind, in the order the export writes them.
KEYS = {
    "factsheet": (
        "kind",
        "title",
        "slug",
        "country",
        "topic",
        "language",
        "reviewed",
        "review_interval_months",
        "summary",
        "rules",
        "contacts",
        "legal_basis",
    ),
    "practice": ("kind", "title", "slug", "country", "category", "tags", "language", "summary"),
    "obstacle": (
        "kind",
        "title",
        "slug",
        "country",
        "obstacle_kind",
        "status",
        "tags",
        "language",
        "proposed_solutions",
    ),
    "document": ("kind", "title", "slug", "country", "topic", "language", "summary"),
}
RULE_KEYS = (
    "action",
    "neighbour",
    "apprehension",
    "limit_km",
    "limit_hours",
    "offences",
    "transport",
    "notify",
    "conditions",
)
CONTACT_KEYS = ("service", "name", "available_24_7", "phone", "email", "languages")
LEGAL_BASIS_KEYS = ("title", "reference", "source", "as_of")
# Keys the export writes even when empty (the others are left out when empty).
ALWAYS_WRITTEN = {"kind", "title", "slug", "language", "reviewed", "review_interval_months"}
RULE_ALWAYS_WRITTEN = {"action", "neighbour", "limit_km", "limit_hours"}

LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"^[0-9]+$")
TRUE_WORDS = {"true", "yes", "on"}
FALSE_WORDS = {"false", "no", "off"}


# =============================================================================================
# Problems
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self):
        if not self.line:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeImportError(Exception):
    """The import found problems and wrote nothing; `problems` lists them all."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class KnowledgeExportError(Exception):
    pass


# =============================================================================================
# Rich text <-> Markdown
# =============================================================================================
#
# Both directions go through one small document model ("blocks"):
#   block:  ("p", inlines) | ("h2", inlines) | ("h3", inlines) | ("ul"|"ol", items)
#   item:   (inlines, sublists)         sublists: tuple of ("ul"|"ol", items) blocks
#   inline: str | BR | ("b", inlines) | ("i", inlines) | ("a", href, inlines)
# Internal links are hrefs "page:<id>" and "document:<id>" (Wagtail's linktype markup).

BR = ("br",)
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "b", "i", "a", "br"}
INLINE_TAGS = {
    "strong",
    "em",
    "b",
    "i",
    "a",
    "br",
    "span",
    "code",
    "u",
    "s",
    "sub",
    "sup",
    "small",
    "mark",
    "abbr",
    "cite",
    "q",
    "kbd",
    "var",
    "samp",
    "del",
    "ins",
    "time",
    "img",
}
VOID_TAGS = {"br", "hr", "img", "wbr", "input", "meta", "link", "col", "area", "embed", "source"}
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
INTERNAL_LINK_RE = re.compile(r"^(page|document):([1-9][0-9]*)$")
# No-break spaces count as spaces: Markdown does not keep them apart at the ends of lines.
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")


class _Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=None):
        self.tag = tag
        self.attrs = attrs or {}
        self.children = []


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root")
        self.stack = [self.root]
        self.elements = []

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _parse_html(text):
    builder = _TreeBuilder()
    builder.feed(text or "")
    builder.close()
    return builder.root, builder.elements


def _href(attrs):
    linktype = attrs.get("linktype")
    if linktype:
        identifier = attrs.get("id", "")
        if linktype in ("page", "document") and identifier.isdigit():
            return f"{linktype}:{identifier}"
        return ""
    return (attrs.get("href") or "").strip()


def _raw_inlines(nodes, in_link=False):
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.tag == "br":
            out.append(BR)
        elif node.tag in ("strong", "b"):
            out.append(("b", tuple(_raw_inlines(node.children, in_link))))
        elif node.tag in ("em", "i"):
            out.append(("i", tuple(_raw_inlines(node.children, in_link))))
        elif node.tag == "a":
            href = _href(node.attrs)
            if href and not in_link:  # a link inside a link keeps only its text
                out.append(("a", href, tuple(_raw_inlines(node.children, True))))
            else:
                out.extend(_raw_inlines(node.children, in_link))
        elif node.tag in ("img", "hr"):
            continue
        else:
            out.extend(_raw_inlines(node.children, in_link))
    return out


def _is_formatting(item):
    return isinstance(item, tuple) and item != BR


def _has_content(items):
    for item in items:
        if isinstance(item, str):
            if item.strip():
                return True
        elif item == BR or _has_content(item[-1]):
            return True
    return False


def _unwrap(items, kind):
    out = []
    for item in items:
        if _is_formatting(item):
            children = _unwrap(item[-1], kind)
            if item[0] == kind:
                out.extend(children)
            else:
                out.append((*item[:-1], tuple(children)))
        else:
            out.append(item)
    return out


def _normalise_inlines(items):
    """Canonical inline sequence: whitespace collapsed, no empty or doubled formatting, spaces
    moved out of formatting, adjacent equal formatting merged, italic-around-bold swapped."""
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        if item == BR:
            out.append(BR)
            continue
        kind = item[0]
        # bold inside bold is bold (and so on): unwrap the inner one at any depth
        children = list(_normalise_inlines(_unwrap(item[-1], kind)))
        lead = trail = ""
        if children and isinstance(children[0], str) and children[0].startswith(" "):
            lead = " "
            children[0] = children[0][1:]
        if children and isinstance(children[-1], str) and children[-1].endswith(" "):
            trail = " "
            children[-1] = children[-1][:-1]
        children = [child for child in children if child != ""]
        out.append(lead)
        if _has_content(children):
            if (
                kind == "i"
                and len(children) == 1
                and _is_formatting(children[0])
                and children[0][0] == "b"
            ):
                out.extend(_normalise_inlines((("b", (("i", children[0][1]),)),)))
            elif kind == "a":
                out.append(("a", item[1], tuple(children)))
            else:
                out.append((kind, tuple(children)))
        out.append(trail)
    merged = []
    for item in out:
        if isinstance(item, str):
            if merged and isinstance(merged[-1], str):
                merged[-1] += item
            else:
                merged.append(item)
        else:
            merged.append(item)
    merged = [_SPACES.sub(" ", item) if isinstance(item, str) else item for item in merged]
    # no spaces next to a line break
    for index, item in enumerate(merged):
        if not isinstance(item, str):
            continue
        if index > 0 and merged[index - 1] == BR:
            item = item.lstrip(" ")
        if index + 1 < len(merged) and merged[index + 1] == BR:
            item = item.rstrip(" ")
        merged[index] = item
    merged = [item for item in merged if item != ""]
    result = []
    for item in merged:
        previous = result[-1] if result else None
        if _is_formatting(item) and _is_formatting(previous) and previous[:-1] == item[:-1]:
            result[-1] = (*item[:-1], _normalise_inlines(previous[-1] + item[-1]))
        else:
            result.append(item)
    return tuple(result)


def _block_inlines(nodes):
    """Inline content of a block: normalised, trimmed, no line break at either end."""
    items = list(_normalise_inlines(_raw_inlines(nodes)))
    while items and (items[0] == BR or items[0] == " "):
        items.pop(0)
    while items and (items[-1] == BR or items[-1] == " "):
        items.pop()
    if items and isinstance(items[0], str):
        items[0] = items[0].lstrip(" ")
    if items and isinstance(items[-1], str):
        items[-1] = items[-1].rstrip(" ")
    items = [item for item in items if item != ""]
    return tuple(items) if _has_content(items) else ()


def _list_items(element):
    items = []
    for child in element.children:
        if isinstance(child, str):
            if child.strip():
                items.append((_block_inlines([child]), ()))
        elif child.tag in ("ul", "ol"):
            sub = _list_items(child)
            if not sub:
                continue
            if items:
                inlines, sublists = items[-1]
                items[-1] = (inlines, _merge_lists((*sublists, (child.tag, sub))))
            else:
                items.append(((), ((child.tag, sub),)))
        else:
            items.append(_list_item(child))
    return tuple(item for item in items if item[0] or item[1])


def _list_item(element):
    parts = []
    sublists = []
    for child in element.children:
        if isinstance(child, _Element) and child.tag in ("ul", "ol"):
            sub = _list_items(child)
            if sub:
                sublists.append((child.tag, sub))
        elif isinstance(child, _Element) and child.tag not in INLINE_TAGS:
            # paragraphs inside an item (a "loose" Markdown list): joined by line breaks
            if _has_content(_raw_inlines(parts)):
                parts.append(_Element("br"))
            parts.extend(child.children)
        else:
            parts.append(child)
    return (_block_inlines(parts), _merge_lists(tuple(sublists)))


def _merge_lists(blocks):
    merged = []
    for block in blocks:
        if merged and block[0] in ("ul", "ol") and merged[-1][0] == block[0]:
            merged[-1] = (block[0], merged[-1][1] + block[1])
        else:
            merged.append(block)
    return tuple(merged)


def _element_blocks(element):
    blocks = []
    pending = []

    def flush():
        if pending:
            inlines = _block_inlines(pending)
            if inlines:
                blocks.append(("p", inlines))
            pending.clear()

    for child in element.children:
        if isinstance(child, str) or child.tag in INLINE_TAGS:
            pending.append(child)
            continue
        flush()
        if child.tag == "p":
            inlines = _block_inlines(child.children)
            if inlines:
                blocks.append(("p", inlines))
        elif child.tag in HEADINGS:
            inlines = _block_inlines(child.children)
            if inlines:
                blocks.append((HEADINGS[child.tag], inlines))
        elif child.tag in ("ul", "ol"):
            items = _list_items(child)
            if items:
                blocks.append((child.tag, items))
        elif child.tag in VOID_TAGS:
            continue
        else:
            blocks.extend(_element_blocks(child))
    flush()
    return _merge_lists(blocks)


def html_blocks(html_text):
    """The canonical block structure of rich text HTML."""
    root, _elements = _parse_html(html_text)
    return _element_blocks(root)


# --- blocks -> storage HTML ------------------------------------------------------------------


def _inline_html(items):
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(html.escape(item, quote=False))
        elif item == BR:
            out.append("<br/>")
        elif item[0] == "b":
            out.append(f"<b>{_inline_html(item[1])}</b>")
        elif item[0] == "i":
            out.append(f"<i>{_inline_html(item[1])}</i>")
        else:
            match = INTERNAL_LINK_RE.match(item[1])
            if match:
                opening = f'<a linktype="{match[1]}" id="{match[2]}">'
            else:
                opening = f'<a href="{html.escape(item[1], quote=True)}">'
            out.append(f"{opening}{_inline_html(item[2])}</a>")
    return "".join(out)


def _list_html(block):
    tag, items = block
    inner = "".join(
        f"<li>{_inline_html(inlines)}{''.join(_list_html(sub) for sub in sublists)}</li>"
        for inlines, sublists in items
    )
    return f"<{tag}>{inner}</{tag}>"


def blocks_html(blocks):
    out = []
    for block in blocks:
        if block[0] in ("ul", "ol"):
            out.append(_list_html(block))
        else:
            out.append(f"<{block[0]}>{_inline_html(block[1])}</{block[0]}>")
    return "".join(out)


def canonical_html(html_text):
    return blocks_html(html_blocks(html_text))


# --- blocks -> Markdown ----------------------------------------------------------------------


def _escape_text(text):
    text = text.replace("\\", "\\\\")
    for char in "*_`[]":
        text = text.replace(char, "\\" + char)
    # "&" before what could read as a character reference ("&amp", "&#38;", "&copy")
    text = re.sub(r"&(?=#|[A-Za-z])", "&amp;", text)
    return text.replace("<", "&lt;")


def _escape_start(text, heading=False):
    if re.match(r"[#>+\-]", text):
        text = "\\" + text
    else:
        text = re.sub(r"^(\d+)\.", r"\1\\.", text)
    if heading and text.endswith("#"):
        backslashes = len(text[:-1]) - len(text[:-1].rstrip("\\"))
        if backslashes % 2 == 0:  # an unescaped closing "#" would be dropped
            text = text[:-1] + "\\#"
    return text


def _markdown_href(href):
    if re.search(r"[\s()<>]", href):
        href = href.replace("<", "%3C").replace(">", "%3E")
        return f"<{href}>"
    return href


def _inline_markdown(items, raw_html):
    out = []
    for position, item in enumerate(items):
        if isinstance(item, str):
            text = _escape_text(item)
            following = items[position + 1] if position + 1 < len(items) else None
            if text.endswith("!") and _is_formatting(following) and following[0] == "a":
                text = text[:-1] + "\\!"  # not an image: ![text](url)
            out.append(text)
        elif item == BR:
            out.append("<br>")
        elif item[0] == "b":
            inner = _inline_markdown(item[1], raw_html)
            out.append(f"<strong>{inner}</strong>" if raw_html else f"**{inner}**")
        elif item[0] == "i":
            inner = _inline_markdown(item[1], raw_html)
            out.append(f"<em>{inner}</em>" if raw_html else f"*{inner}*")
        else:
            inner = _inline_markdown(item[2], raw_html)
            if raw_html:
                out.append(f'<a href="{html.escape(item[1], quote=True)}">{inner}</a>')
            else:
                out.append(f"[{inner}]({_markdown_href(item[1])})")
    return "".join(out)


def _list_markdown(block, depth, raw_html, lines):
    tag, items = block
    for number, (inlines, sublists) in enumerate(items, 1):
        marker = "-" if tag == "ul" else f"{number}."
        # an item holding only a nested list still needs some text on its line
        text = _escape_start(_inline_markdown(inlines, raw_html)) or "<br>"
        lines.append("    " * depth + marker + " " + text)
        for sub in sublists:
            _list_markdown(sub, depth + 1, raw_html, lines)


def _block_markdown(block, raw_html):
    tag = block[0]
    if tag == "p":
        return _escape_start(_inline_markdown(block[1], raw_html))
    if tag in ("h2", "h3"):
        hashes = "##" if tag == "h2" else "###"
        return f"{hashes} {_escape_start(_inline_markdown(block[1], raw_html), heading=True)}"
    lines = []
    _list_markdown(block, 0, raw_html, lines)
    return "\n".join(lines)


def _markdown_to_raw_html(text):
    return markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")


def _sanitise(raw_html):
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes=LINK_SCHEMES | {"page", "document"},
        link_rel=None,
        strip_comments=True,
    )


def _markdown_blocks(text):
    return html_blocks(_sanitise(_markdown_to_raw_html(text)))


def blocks_markdown(blocks):
    """Markdown for the blocks; each block is checked to read back as itself, and written with
    inline HTML tags for bold/italic/links in the rare case plain Markdown would not."""
    out = []
    for block in blocks:
        text = _block_markdown(block, raw_html=False)
        if _markdown_blocks(text) != (block,):
            alternative = _block_markdown(block, raw_html=True)
            if _markdown_blocks(alternative) == (block,):
                text = alternative
        out.append(text)
    return "\n\n".join(out)


def html_to_markdown(html_text):
    """Rich text HTML (as stored) -> Markdown (as exported)."""
    return blocks_markdown(html_blocks(html_text))


def _find_line(body, pattern, flags=0):
    """1-based line (within `body`) of the first match of `pattern`, or None."""
    regex = re.compile(pattern, flags | re.MULTILINE)
    match = regex.search(body)
    return body.count("\n", 0, match.start()) + 1 if match else None


_TAG_HINTS = {
    "h1": (r"^(#[ \t]|#$|=+[ \t]*$)", "a '#' heading (use '##' or '###')"),
    "h4": (r"^#{4,6}([ \t]|$)", "a heading below '###'"),
    "h5": (r"^#{4,6}([ \t]|$)", "a heading below '###'"),
    "h6": (r"^#{4,6}([ \t]|$)", "a heading below '###'"),
    "pre": (r"^(```|~~~|    \S|\t\S)", "a code block"),
    "code": (r"`", "code (backticks; write \\` for a literal backtick)"),
    "blockquote": (r"^[ \t]*>", "a quotation ('>')"),
    "hr": (r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$", "a horizontal rule"),
    "img": (r"!\[", "an image"),
}


def markdown_to_html(text):
    """Markdown -> (canonical storage HTML, [(line within text, problem)]). With problems the
    HTML is None."""
    raw = _markdown_to_raw_html(text or "")
    _root, elements = _parse_html(raw)
    problems = []
    seen = set()
    in_code_blocks = {
        id(child)
        for element in elements
        if element.tag == "pre"
        for child in element.children
        if isinstance(child, _Element)
    }
    for element in elements:
        tag = element.tag
        if tag not in ALLOWED_TAGS:
            if tag in seen or id(element) in in_code_blocks:
                continue
            seen.add(tag)
            pattern, label = _TAG_HINTS.get(tag, (rf"<{re.escape(tag)}\b", f"HTML <{tag}>"))
            line = _find_line(text, pattern, re.IGNORECASE) or 1
            problems.append(
                (
                    line,
                    f"the body uses {label}, which the rich text cannot hold (allowed: "
                    "paragraphs, ## and ### headings, **bold**, *italic*, lists, links)",
                )
            )
        elif tag == "a":
            href = (element.attrs.get("href") or "").strip()
            if not _href_allowed(href):
                line = _find_line(text, re.escape(href)) if href else None
                problems.append(
                    (
                        line or 1,
                        f"link to '{href}' is not allowed (use http, https, mailto or tel "
                        "addresses, page:<id> or document:<id>)",
                    )
                )
    if problems:
        return None, problems
    return blocks_html(html_blocks(_sanitise(raw))), []


def _href_allowed(href):
    if not href:
        return False
    if INTERNAL_LINK_RE.match(href):
        return True
    if href.startswith("/") and not href.startswith("//"):
        return True
    if href.startswith("#"):
        return True
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    return scheme in LINK_SCHEMES


def internal_links(html_text):
    """{"page": {ids}, "document": {ids}} linked from the rich text."""
    found = {"page": set(), "document": set()}
    _root, elements = _parse_html(html_text)
    for element in elements:
        if element.tag == "a":
            match = INTERNAL_LINK_RE.match(_href(element.attrs))
            if match:
                found[match[1]].add(int(match[2]))
    return found


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


# =============================================================================================
# Validating: front matter -> Item with a canonical record
# =============================================================================================


@dataclasses.dataclass
class Item:
    source: Source
    kind: str
    record: dict  # canonical values, as page_record() gives them for a page
    html: dict  # rich text field -> storage HTML
    countries: list  # Country objects (for practices, obstacles, documents)
    country: object = None  # Country (fact sheets)
    reviewed_given: bool = True

    @property
    def key(self):
        """The import key: kind + country + topic for fact sheets (one per country and topic,
        whatever its slug); kind + slug otherwise."""
        if self.kind == "factsheet":
            return ("factsheet", self.record["country"], self.record["topic"])
        return (self.kind, self.record["slug"])

    @property
    def label(self):
        if self.kind == "factsheet":
            return f"factsheet {self.record['country']}/{self.record['topic']}"
        return f"{self.kind} {self.record['slug']}"


def normalise_text(value):
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def sort_tags(names):
    return sorted({name for name in names if name}, key=lambda name: (name.casefold(), name))


class _Checker:
    """Typed reads of one file's front matter; problems are collected, never raised."""

    def __init__(self, source, countries_by_code):
        self.source = source
        self.problems = []
        self.countries_by_code = countries_by_code

    def error(self, keypath, message):
        self.problems.append(Problem(self.source.path, self.source.line(keypath), message))

    def text(self, data, key, keypath, *, required=False, max_length=None, default=""):
        value = data.get(key)
        if value is None:
            if required:
                self.error(keypath[:-1] or keypath, f"missing '{key}'")
            return default
        if not isinstance(value, str):
            self.error(keypath, f"'{key}' must be text, not a list or mapping")
            return default
        value = normalise_text(value)
        if required and not value:
            self.error(keypath, f"'{key}' is empty")
        if max_length and len(value) > max_length:
            self.error(
                keypath, f"'{key}' is too long: {len(value)} characters (at most {max_length})"
            )
        return value

    def choice(self, data, key, keypath, choices, *, required=False, default=""):
        value = self.text(data, key, keypath, required=required, default=default)
        if value and value not in choices:
            self.error(keypath, f"unknown {key} '{value}' (one of: {', '.join(choices)})")
            return default
        return value

    def date(self, data, key, keypath):
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not DATE_RE.match(value.strip()):
            self.error(keypath, f"'{key}' is not a date: {value!r} (write YYYY-MM-DD)")
            return None
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError as exc:
            self.error(keypath, f"'{key}' is not a date: {value!r} ({exc})")
            return None

    def integer(self, data, key, keypath, *, minimum, maximum=None, default=None):
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or not INT_RE.match(value.strip()):
            self.error(keypath, f"'{key}' must be a whole number, not {value!r}")
            return default
        number = int(value)
        if number < minimum or (maximum is not None and number > maximum):
            upper = f" and {maximum}" if maximum is not None else " or more"
            between = f"between {minimum}{upper}" if maximum is not None else f"{minimum}{upper}"
            self.error(keypath, f"'{key}' must be {between}, not {number}")
            return default
        return number

    def boolean(self, data, key, keypath, default=False):
        value = data.get(key)
        if value is None:
            return default
        word = value.strip().lower() if isinstance(value, str) else ""
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.error(keypath, f"'{key}' must be true or false, not {value!r}")
        return default

    def string_list(self, data, key, keypath):
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(keypath, f"'{key}' must be a list")
            return []
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error((*keypath, index), f"'{key}' entries must be non-empty text")
                continue
            out.append(item.strip())
        return out

    def mapping_list(self, data, key, keypath, allowed_keys):
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(keypath, f"'{key}' must be a list of entries ('- {allowed_keys[0]}: ...')")
            return []
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.error((*keypath, index), f"each '{key}' entry must be 'key: value' lines")
                continue
            self.unknown_keys(item, (*keypath, index), allowed_keys, f"a '{key}' entry")
            out.append((index, item))
        return out

    def unknown_keys(self, data, keypath, allowed, what):
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.error(
                    (*keypath, key),
                    f"unknown key '{key}' for {what}{hint} (keys: {', '.join(allowed)})",
                )

    def country(self, code, keypath):
        from portal.reference import normalise_country_code

        country = self.countries_by_code.get(normalise_country_code(code))
        if country is None:
            self.error(
                keypath,
                f"unknown country '{code}' (use an ISO 3166 code such as BE, or EL for Greece)",
            )
        return country

    def language(self, data, key, keypath):
        value = self.text(data, key, keypath, default="en") or "en"
        value = value.lower()
        if not LANGUAGE_RE.match(value):
            self.error(
                keypath, f"'{key}' must be a two-letter ISO 639-1 code such as en, not {value!r}"
            )
            return "en"
        return value

    def rich_text(self, markdown_text, line):
        """Storage HTML and canonical Markdown of a Markdown text starting at file line
        `line` (for a front-matter value: the key's line, not counted further)."""
        html_text, problems = markdown_to_html(markdown_text)
        for offset, message in problems:
            self.problems.append(Problem(self.source.path, line + offset - 1, message))
        if html_text is None:
            return "", ""
        return html_text, html_to_markdown(html_text)


def _slug(checker, data, title):
    value = data.get("slug")
    if value is not None:
        slug = checker.text(data, "slug", ("slug",), max_length=255)
        try:
            validate_unicode_slug(slug)
        except ValidationError:
            checker.error(
                ("slug",),
                f"'slug' may hold only letters, digits, hyphens and underscores, not {slug!r}",
            )
        return slug
    slug = slugify(title) or slugify(title, allow_unicode=True)
    if title and not slug:
        checker.error(("title",), "no slug can be made from the title; add a 'slug'")
    return slug[:255]


def validate_source(source, countries_by_code):
    """(Item or None, [Problem])."""
    from knowledge.models import (
        BestPracticePage,
        ContactPoint,
        CrossBorderRule,
        ObstaclePage,
    )
    from knowledge.topics import TOPIC_ACTIONS, TOPIC_SLUGS

    checker = _Checker(source, countries_by_code)
    data = source.data
    kind = data.get("kind")
    if kind is None:
        checker.error((), f"missing 'kind' (one of: {', '.join(KINDS)})")
        return None, checker.problems
    if kind not in KINDS:
        checker.error(("kind",), f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
        return None, checker.problems
    checker.unknown_keys(data, (), KEYS[kind], f"a {kind}")

    record = {"kind": kind}
    html_fields = {}
    record["title"] = checker.text(data, "title", ("title",), required=True, max_length=255)
    record["slug"] = _slug(checker, data, record["title"])
    item = Item(source=source, kind=kind, record=record, html=html_fields, countries=[])

    # countries
    raw_country = data.get("country")
    if kind == "factsheet":
        if raw_country is None:
            checker.error((), "missing 'country' (a fact sheet belongs to one country)")
        elif not isinstance(raw_country, str):
            checker.error(
                ("country",), "a fact sheet belongs to one country: write e.g. 'country: BE'"
            )
        else:
            item.country = checker.country(raw_country.strip(), ("country",))
        record["country"] = item.country.code if item.country else ""
    else:
        codes = checker.string_list(data, "country", ("country",))
        found = {}
        for index, code in enumerate(codes):
            keypath = ("country", index) if isinstance(raw_country, list) else ("country",)
            country = checker.country(code, keypath)
            if country is not None:
                found[country.code] = country
        item.countries = [found[code] for code in sorted(found)]
        record["country"] = sorted(found)

    # topic
    if kind == "factsheet":
        record["topic"] = checker.choice(data, "topic", ("topic",), TOPIC_SLUGS, required=True)
    elif kind == "document":
        record["topic"] = checker.choice(data, "topic", ("topic",), TOPIC_SLUGS)

    record["language"] = checker.language(data, "language", ("language",))

    if kind in ("factsheet", "practice", "document"):
        record["summary"] = checker.text(data, "summary", ("summary",), max_length=1000)

    if kind == "factsheet":
        record["reviewed"] = checker.date(data, "reviewed", ("reviewed",))
        if record["reviewed"] is not None and record["reviewed"] > timezone.localdate():
            checker.error(("reviewed",), "'reviewed' is in the future")
        item.reviewed_given = record["reviewed"] is not None
        record["review_interval_months"] = checker.integer(
            data,
            "review_interval_months",
            ("review_interval_months",),
            minimum=1,
            maximum=60,
            default=12,
        )
        default_action = TOPIC_ACTIONS.get(record["topic"], "")
        record["rules"] = _rules(checker, data, item.country, default_action, CrossBorderRule)
        record["contacts"] = _contacts(checker, data, ContactPoint)
        record["legal_basis"] = _legal_bases(checker, data)

    if kind == "practice":
        record["category"] = checker.choice(
            data, "category", ("category",), BestPracticePage.Category.values, required=True
        )
    if kind == "obstacle":
        record["obstacle_kind"] = checker.choice(
            data, "obstacle_kind", ("obstacle_kind",), ObstaclePage.Kind.values, required=True
        )
        record["status"] = (
            checker.choice(data, "status", ("status",), ObstaclePage.Status.values, default="open")
            or "open"
        )
    if kind in ("practice", "obstacle"):
        tags = checker.string_list(data, "tags", ("tags",))
        for index, tag in enumerate(tags):
            if len(tag) > 100:
                checker.error(("tags", index), f"tag too long: {len(tag)} characters (at most 100)")
        record["tags"] = sort_tags(tag for tag in tags if len(tag) <= 100)

    if kind == "obstacle":
        solutions = checker.text(data, "proposed_solutions", ("proposed_solutions",))
        html_fields["proposed_solutions"], record["proposed_solutions"] = checker.rich_text(
            solutions, source.line(("proposed_solutions",))
        )

    body_html, record["body"] = checker.rich_text(source.body, source.body_line)
    html_fields["body"] = body_html
    if (
        kind == "obstacle"
        and not record["body"]
        and not any(problem.line >= source.body_line for problem in checker.problems)
    ):
        checker.error((), "an obstacle needs a body: the description of the obstacle")

    if checker.problems:
        return None, checker.problems
    return item, []


def _rules(checker, data, sheet_country, default_action, model):
    rules = []
    seen = {}
    actions = model.Action.values
    for index, entry in checker.mapping_list(data, "rules", ("rules",), RULE_KEYS):
        keypath = ("rules", index)

        def at(key, keypath=keypath):
            return (*keypath, key)

        action = checker.choice(entry, "action", at("action"), actions, default=default_action)
        if not action:
            checker.error(keypath, f"missing 'action' (one of: {', '.join(actions)})")
        neighbour_code = checker.text(entry, "neighbour", at("neighbour"), required=True)
        neighbour = checker.country(neighbour_code, at("neighbour")) if neighbour_code else None
        if neighbour is not None and sheet_country is not None and neighbour == sheet_country:
            checker.error(at("neighbour"), "the neighbour must be another country than the sheet's")
        apprehension = checker.choice(
            entry, "apprehension", at("apprehension"), model.Apprehension.values
        )
        offences = checker.choice(entry, "offences", at("offences"), model.Offences.values)
        if action and action != "hot_pursuit":
            for key, value in (("apprehension", apprehension), ("offences", offences)):
                if value:
                    checker.error(at(key), f"'{key}' applies to hot pursuit only")
        transport_choices = [key for key, _label in model.TRANSPORT_CHOICES]
        transport = []
        raw_transport = entry.get("transport")
        if isinstance(raw_transport, str):
            raw_transport = [part for part in raw_transport.split(",") if part.strip()]
            entry = {**entry, "transport": raw_transport}
        for position, means in enumerate(checker.string_list(entry, "transport", at("transport"))):
            if means not in transport_choices:
                checker.error(
                    (*at("transport"), position),
                    f"unknown transport '{means}' (one of: {', '.join(transport_choices)})",
                )
            else:
                transport.append(means)
        rule = {
            "action": action,
            "neighbour": neighbour.code if neighbour else "",
            "apprehension": apprehension,
            "limit_km": checker.integer(entry, "limit_km", at("limit_km"), minimum=1),
            "limit_hours": checker.integer(entry, "limit_hours", at("limit_hours"), minimum=1),
            "offences": offences,
            "transport": [means for means in transport_choices if means in transport],
            "notify": checker.text(entry, "notify", at("notify"), max_length=255),
            "conditions": checker.text(entry, "conditions", at("conditions")),
        }
        pair = (action, rule["neighbour"])
        if action and neighbour and pair in seen:
            checker.error(
                keypath,
                f"a second {action} rule for {rule['neighbour']} (the first is on line "
                f"{seen[pair]})",
            )
        seen[pair] = checker.source.line(keypath)
        rules.append(rule)
    return rules


def _contacts(checker, data, model):
    contacts = []
    for index, entry in checker.mapping_list(data, "contacts", ("contacts",), CONTACT_KEYS):
        keypath = ("contacts", index)

        def at(key, keypath=keypath):
            return (*keypath, key)

        email = checker.text(entry, "email", at("email"), max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                checker.error(at("email"), f"not an email address: {email!r}")
        languages = []
        raw_languages = entry.get("languages")
        if isinstance(raw_languages, str):
            entry = {
                **entry,
                "languages": [part for part in raw_languages.split(",") if part.strip()],
            }
        for position, code in enumerate(checker.string_list(entry, "languages", at("languages"))):
            code = code.lower()
            if not LANGUAGE_RE.match(code):
                checker.error(
                    (*at("languages"), position),
                    f"not a two-letter ISO 639-1 language code: {code!r}",
                )
            elif code not in languages:
                languages.append(code)
        contacts.append(
            {
                "service": checker.choice(
                    entry, "service", at("service"), model.Service.values, required=True
                ),
                "name": checker.text(entry, "name", at("name"), required=True, max_length=200),
                "available_24_7": checker.boolean(entry, "available_24_7", at("available_24_7")),
                "phone": checker.text(entry, "phone", at("phone"), max_length=50),
                "email": email,
                "languages": languages,
            }
        )
    return contacts


def _legal_bases(checker, data):
    bases = []
    for index, entry in checker.mapping_list(
        data, "legal_basis", ("legal_basis",), LEGAL_BASIS_KEYS
    ):
        keypath = ("legal_basis", index)

        def at(key, keypath=keypath):
            return (*keypath, key)

        bases.append(
            {
                "title": checker.text(entry, "title", at("title"), required=True, max_length=255),
                "reference": checker.text(entry, "reference", at("reference"), max_length=120),
                "source": checker.text(entry, "source", at("source"), max_length=500),
                "as_of": checker.date(entry, "as_of", at("as_of")),
            }
        )
    return bases


# =============================================================================================
# Pages -> canonical records (for the export and for "has anything changed?")
# =============================================================================================


def _codes(countries):
    return sorted(country.code for country in countries)


def page_record(page):
    """The canonical record of a knowledge page's current (live) content."""
    from knowledge.models import (
        BestPracticePage,
        FactSheetPage,
        KnowledgeDocumentPage,
        ObstaclePage,
    )

    if isinstance(page, FactSheetPage):
        return {
            "kind": "factsheet",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": page.country.code,
            "topic": page.topic,
            "language": page.language,
            "summary": normalise_text(page.summary),
            "reviewed": page.last_reviewed,
            "review_interval_months": page.review_interval_months,
            "rules": [
                {
                    "action": rule.action,
                    "neighbour": rule.neighbour.code,
                    "apprehension": rule.apprehension,
                    "limit_km": rule.limit_km,
                    "limit_hours": rule.limit_hours,
                    "offences": rule.offences,
                    "transport": [means for means in rule.transport.split(",") if means],
                    "notify": normalise_text(rule.notify),
                    "conditions": normalise_text(rule.conditions),
                }
                for rule in page.cross_border_rules.all()
            ],
            "contacts": [
                {
                    "service": contact.service,
                    "name": normalise_text(contact.name),
                    "available_24_7": contact.available_24_7,
                    "phone": normalise_text(contact.phone),
                    "email": normalise_text(contact.email),
                    "languages": [code for code in contact.languages.split(",") if code],
                }
                for contact in page.contact_points.all()
            ],
            "legal_basis": [
                {
                    "title": normalise_text(basis.title),
                    "reference": normalise_text(basis.reference),
                    "source": normalise_text(basis.source),
                    "as_of": basis.as_of,
                }
                for basis in page.legal_bases.all()
            ],
            "body": html_to_markdown(page.body),
        }
    if isinstance(page, BestPracticePage):
        return {
            "kind": "practice",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": _codes(page.countries.all()),
            "category": page.category,
            "tags": sort_tags(tag.name for tag in page.tags.all()),
            "language": page.language,
            "summary": normalise_text(page.summary),
            "body": html_to_markdown(page.body),
        }
    if isinstance(page, ObstaclePage):
        return {
            "kind": "obstacle",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": _codes(page.countries.all()),
            "obstacle_kind": page.kind,
            "status": page.status,
            "tags": sort_tags(tag.name for tag in page.tags.all()),
            "language": page.language,
            "proposed_solutions": html_to_markdown(page.proposed_solutions),
            "body": html_to_markdown(page.description),
        }
    if isinstance(page, KnowledgeDocumentPage):
        return {
            "kind": "document",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": _codes(page.countries.all()),
            "topic": page.topic,
            "language": page.language,
            "summary": normalise_text(page.summary),
            "body": html_to_markdown(page.body),
        }
    raise TypeError(f"not a knowledge page: {page!r}")


# =============================================================================================
# Records -> file text
# =============================================================================================


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper, value):
    # short lists of words (countries, tags, means of transport, languages) on one line
    flow = bool(value) and all(isinstance(item, str) and "\n" not in item for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def _is_empty(value):
    return value is None or value == "" or value == [] or value is False


def _trimmed(entry, keys, always=()):
    return {key: entry[key] for key in keys if key in always or not _is_empty(entry[key])}


def record_text(record):
    """The file text for a canonical record (deterministic: fixed key order, empty values
    left out)."""
    kind = record["kind"]
    front = {}
    for key in KEYS[kind]:
        value = record[key]
        if key == "rules":
            value = [_trimmed(rule, RULE_KEYS, RULE_ALWAYS_WRITTEN) for rule in value]
        elif key == "contacts":
            value = [_trimmed(contact, CONTACT_KEYS, {"service", "name"}) for contact in value]
        elif key == "legal_basis":
            value = [_trimmed(basis, LEGAL_BASIS_KEYS, {"title"}) for basis in value]
        if key in ALWAYS_WRITTEN or not _is_empty(value):
            front[key] = value
    yaml_text = yaml.dump(
        front,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100_000,
    )
    text = f"---\n{yaml_text}---\n"
    if record["body"]:
        text += f"\n{record['body']}\n"
    return text


def record_path(record):
    """Where the export writes the record, relative to the export folder."""
    folder = KIND_FOLDERS[record["kind"]]
    if record["kind"] == "factsheet":
        return f"{folder}/{record['country']}/{record['topic']}.md"
    return f"{folder}/{record['slug']}.md"


# =============================================================================================
# Import
# =============================================================================================


@dataclasses.dataclass
class ImportReport:
    created: list = dataclasses.field(default_factory=list)  # (label, path)
    updated: list = dataclasses.field(default_factory=list)
    unchanged: list = dataclasses.field(default_factory=list)
    dry_run: bool = False

    @property
    def summary(self):
        verb = "would be " if self.dry_run else ""
        return (
            f"{len(self.created)} {verb}created, {len(self.updated)} {verb}updated, "
            f"{len(self.unchanged)} unchanged"
        )


def collect_files(paths):
    """[(Path, display path)] of the Markdown files to import, sorted; problems for paths that
    do not exist or hold no Markdown file."""
    files = []
    problems = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                (candidate for candidate in path.rglob("*.md") if candidate.is_file()),
                key=lambda candidate: candidate.relative_to(path).as_posix(),
            )
            if not found:
                problems.append(Problem(str(raw), 0, "no .md files in this folder"))
            files += [(candidate, str(candidate)) for candidate in found]
        elif path.is_file():
            files.append((path, str(raw)))
        else:
            problems.append(Problem(str(raw), 0, "no such file or folder"))
    return files, problems


def _model_for(kind):
    from knowledge.models import (
        BestPracticePage,
        FactSheetPage,
        KnowledgeDocumentPage,
        ObstaclePage,
    )

    return {
        "factsheet": FactSheetPage,
        "practice": BestPracticePage,
        "obstacle": ObstaclePage,
        "document": KnowledgeDocumentPage,
    }[kind]


def _existing_pages(items):
    """{item key: specific page} for the items that match a page."""
    from knowledge.models import FactSheetPage

    found = {}
    sheets = [item for item in items if item.kind == "factsheet"]
    if sheets:
        countries = {item.country.pk for item in sheets}
        for page in FactSheetPage.objects.filter(country_id__in=countries).select_related(
            "country"
        ):
            found[("factsheet", page.country.code, page.topic)] = page
    for kind in ("practice", "obstacle", "document"):
        slugs = [item.record["slug"] for item in items if item.kind == kind]
        if slugs:
            for page in _model_for(kind).objects.filter(slug__in=slugs):
                found[(kind, page.slug)] = page
    return found


def _sheet_slugs(items):
    """{(country code, slug): (topic, title)} of existing fact sheets in the imported
    countries (a slug must be unique among a country's sheets)."""
    from knowledge.models import FactSheetPage

    countries = {item.country.pk for item in items if item.kind == "factsheet"}
    return {
        (page.country.code, page.slug): page.topic
        for page in FactSheetPage.objects.filter(country_id__in=countries).select_related("country")
    }


def _check_links(items, problems):
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    wanted = {"page": set(), "document": set()}
    for item in items:
        for html_text in item.html.values():
            for linktype, ids in internal_links(html_text).items():
                wanted[linktype] |= ids
    existing = {
        "page": set(Page.objects.filter(pk__in=wanted["page"]).values_list("pk", flat=True)),
        "document": set(
            get_document_model()
            .objects.filter(pk__in=wanted["document"])
            .values_list("pk", flat=True)
        ),
    }
    for item in items:
        for field, html_text in item.html.items():
            for linktype, ids in internal_links(html_text).items():
                for missing in sorted(ids - existing[linktype]):
                    source = item.source
                    text = source.body if field == "body" else ""
                    offset = _find_line(text, re.escape(f"{linktype}:{missing}")) if text else None
                    line = (
                        source.body_line + offset - 1
                        if offset
                        else source.line((field,))
                        if field != "body"
                        else source.body_line
                    )
                    problems.append(
                        Problem(
                            source.path, line, f"link to {linktype}:{missing}: no such {linktype}"
                        )
                    )


def plan_import(paths, *, replace_drafts=False):
    """Read and check everything; (items with their existing pages, problems). Reads only."""
    from portal.models import Country

    files, problems = collect_files(paths)
    countries_by_code = {country.code: country for country in Country.objects.all()}
    items = []
    for path, display in files:
        source, file_problems = read_source(path, display)
        problems += file_problems
        if source is None:
            continue
        item, item_problems = validate_source(source, countries_by_code)
        problems += item_problems
        if item is not None:
            items.append(item)

    # the same item twice
    first = {}
    for item in items:
        line = item.source.line(("slug",) if "slug" in item.source.data else ("title",))
        if item.key in first:
            other = first[item.key]
            problems.append(
                Problem(
                    item.source.path,
                    line,
                    f"duplicate: {other.source.path} already holds {item.label}",
                )
            )
        else:
            first[item.key] = item
    sheet_slugs_in_files = {}
    for item in items:
        if item.kind != "factsheet":
            continue
        slug_key = (item.record["country"], item.record["slug"])
        other = sheet_slugs_in_files.setdefault(slug_key, item)
        if other is not item and other.key != item.key:
            problems.append(
                Problem(
                    item.source.path,
                    item.source.line(("slug",) if "slug" in item.source.data else ("title",)),
                    f"slug '{item.record['slug']}' is also used by {other.source.path} for "
                    f"{item.record['country']}; a country's fact sheets need different slugs",
                )
            )

    existing = _existing_pages(items) if items else {}
    taken = _sheet_slugs(items) if any(item.kind == "factsheet" for item in items) else {}
    for item in items:
        if item.kind == "factsheet":
            topic = taken.get((item.record["country"], item.record["slug"]))
            if topic is not None and topic != item.record["topic"]:
                problems.append(
                    Problem(
                        item.source.path,
                        item.source.line(("slug",) if "slug" in item.source.data else ("title",)),
                        f"slug '{item.record['slug']}' is already used by the "
                        f"{item.record['country']} fact sheet on {topic}",
                    )
                )
        page = existing.get(item.key)
        if page is not None and not item.reviewed_given:
            item.record["reviewed"] = page.last_reviewed
        elif page is None and item.kind == "factsheet" and not item.reviewed_given:
            item.record["reviewed"] = timezone.localdate()
        if (
            page is not None
            and page.has_unpublished_changes
            and not replace_drafts
            and page_record(page) != item.record
        ):
            problems.append(
                Problem(
                    item.source.path,
                    1,
                    f"{item.label} has unpublished changes (a draft or a review in progress) "
                    "that the import would replace; publish or reject them in the admin first, "
                    "or import with --replace-drafts",
                )
            )
    _check_links(items, problems)
    return [(item, existing.get(item.key)) for item in items], problems


def _apply(page, item, countries_by_code):
    """Set the page's fields and child rows from the item (in memory; saved by the revision)."""
    from knowledge.models import ContactPoint, CrossBorderRule, LegalBasis

    record = item.record
    page.title = record["title"]
    page.draft_title = record["title"]
    page.slug = record["slug"]
    page.language = record["language"]
    kind = item.kind
    if kind == "factsheet":
        page.country = item.country
        page.topic = record["topic"]
        page.summary = record["summary"]
        page.last_reviewed = record["reviewed"]
        page.review_interval_months = record["review_interval_months"]
        page.body = item.html["body"]
        page.cross_border_rules = [
            CrossBorderRule(
                action=rule["action"],
                neighbour=countries_by_code[rule["neighbour"]],
                apprehension=rule["apprehension"],
                limit_km=rule["limit_km"],
                limit_hours=rule["limit_hours"],
                offences=rule["offences"],
                transport=",".join(rule["transport"]),
                notify=rule["notify"],
                conditions=rule["conditions"],
                sort_order=position,
            )
            for position, rule in enumerate(record["rules"])
        ]
        page.contact_points = [
            ContactPoint(
                service=contact["service"],
                name=contact["name"],
                available_24_7=contact["available_24_7"],
                phone=contact["phone"],
                email=contact["email"],
                languages=",".join(contact["languages"]),
                sort_order=position,
            )
            for position, contact in enumerate(record["contacts"])
        ]
        # A legal basis keeps the document attached to it in the admin (the file format does
        # not carry documents) when its title and reference are unchanged.
        documents = {}
        if page.pk:
            for basis in page.legal_bases.all():
                documents.setdefault((basis.title, basis.reference), basis.document_id)
        page.legal_bases = [
            LegalBasis(
                title=basis["title"],
                reference=basis["reference"],
                source=basis["source"],
                as_of=basis["as_of"],
                document_id=documents.get((basis["title"], basis["reference"])),
                sort_order=position,
            )
            for position, basis in enumerate(record["legal_basis"])
        ]
        return
    page.countries = list(item.countries)
    if kind == "practice":
        page.summary = record["summary"]
        page.category = record["category"]
        page.body = item.html["body"]
        page.tags.set(record["tags"])
    elif kind == "obstacle":
        page.kind = record["obstacle_kind"]
        page.status = record["status"]
        page.description = item.html["body"]
        page.proposed_solutions = item.html["proposed_solutions"]
        page.tags.set(record["tags"])
    else:
        page.summary = record["summary"]
        page.topic = record["topic"]
        page.body = item.html["body"]


def _parent_for(item):
    from knowledge.models import (
        BestPracticeIndexPage,
        CountryFactSheetsPage,
        DocumentIndexPage,
        ObstacleIndexPage,
    )

    if item.kind == "factsheet":
        return CountryFactSheetsPage.objects.filter(country=item.country).first()
    model = {
        "practice": BestPracticeIndexPage,
        "obstacle": ObstacleIndexPage,
        "document": DocumentIndexPage,
    }[item.kind]
    return model.objects.first()


def _write(item, page, user, countries_by_code):
    if page is None:
        parent = _parent_for(item)
        if parent is None:
            raise KnowledgeImportError(
                [Problem(item.source.path, 1, f"no place in the page tree for {item.label}")]
            )
        # Created live (so Wagtail runs the model's full clean, which fills the denormalised
        # fields) and published at once with its first revision, in the same transaction.
        page = _model_for(item.kind)(owner=user)
        _apply(page, item, countries_by_code)
        parent.add_child(instance=page)
    else:
        page = type(page).objects.get(pk=page.pk)
        _apply(page, item, countries_by_code)
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return page


def knowledge_import(*, paths, user=None, dry_run=False, replace_drafts=False):
    """Import the Markdown files under `paths` (files or folders), all or nothing. Raises
    KnowledgeImportError with every problem found; returns an ImportReport."""
    from portal.models import Country

    if isinstance(paths, str | Path):
        paths = [paths]
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        planned, problems = plan_import(paths, replace_drafts=replace_drafts)
        if problems:
            raise KnowledgeImportError(problems)
        countries_by_code = {country.code: country for country in Country.objects.all()}
        for item, page in planned:
            entry = (item.label, item.source.path)
            if page is not None and page_record(page) == item.record:
                report.unchanged.append(entry)
                continue
            (report.updated if page is not None else report.created).append(entry)
            if dry_run:
                continue
            try:
                _write(item, page, user, countries_by_code)
            except ValidationError as exc:
                messages = "; ".join(
                    f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
                    for field, errors in getattr(
                        exc, "message_dict", {"__all__": exc.messages}
                    ).items()
                )
                raise KnowledgeImportError(
                    [Problem(item.source.path, 1, f"cannot save {item.label}: {messages}")]
                ) from exc
            except IntegrityError as exc:
                raise KnowledgeImportError(
                    [Problem(item.source.path, 1, f"cannot save {item.label}: {exc}")]
                ) from exc
    return report


# =============================================================================================
# Export
# =============================================================================================


@dataclasses.dataclass
class ExportReport:
    written: list = dataclasses.field(default_factory=list)  # relative paths
    removed: list = dataclasses.field(default_factory=list)


def live_knowledge_pages():
    """The live fact sheets, best practices, obstacles and documents, in export order."""
    from knowledge.models import (
        BestPracticePage,
        FactSheetPage,
        KnowledgeDocumentPage,
        ObstaclePage,
    )
    from knowledge.topics import topic_order

    sheets = sorted(
        FactSheetPage.objects.live()
        .select_related("country")
        .prefetch_related("cross_border_rules__neighbour", "contact_points", "legal_bases"),
        key=lambda page: (page.country.code, topic_order(page.topic)),
    )
    pages = list(sheets)
    for model in (BestPracticePage, ObstaclePage, KnowledgeDocumentPage):
        pages += list(model.objects.live().prefetch_related("countries").order_by("slug"))
    return pages


def export_files():
    """{relative path: file text} of every live knowledge page."""
    files = {}
    for page in live_knowledge_pages():
        record = page_record(page)
        files[record_path(record)] = record_text(record)
    return files


def knowledge_export(*, path, overwrite=False):
    """Write one file per live knowledge page under `path`. A folder that already holds .md
    files is refused unless `overwrite`, which also removes the .md files of the kind folders
    that no longer match a live page."""
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise KnowledgeExportError(f"{root} is not a folder")
    files = export_files()
    present = sorted(root.rglob("*.md")) if root.exists() else []
    if present and not overwrite:
        raise KnowledgeExportError(
            f"{root} already holds {len(present)} .md file(s); choose an empty folder or use "
            "--overwrite"
        )
    report = ExportReport()
    if overwrite:
        for folder in KIND_FOLDERS.values():
            for stale in sorted((root / folder).rglob("*.md")) if (root / folder).exists() else []:
                relative = stale.relative_to(root).as_posix()
                if relative not in files:
                    stale.unlink()
                    report.removed.append(relative)
    for relative, text in sorted(files.items()):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        report.written.append(relative)
    return report
