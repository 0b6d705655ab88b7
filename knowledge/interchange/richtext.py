"""Rich text <-> Markdown, pure (no database): storage HTML to blocks to Markdown and back, the
canonical HTML form, and the internal links a text holds.
"""

import html
import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3

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


def find_line(body, pattern, flags=0):
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
            line = find_line(text, pattern, re.IGNORECASE) or 1
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
                line = find_line(text, re.escape(href)) if href else None
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
