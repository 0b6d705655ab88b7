"""What changed between two revisions of a fact sheet, for readers.

A revision is rendered as plain-text lines (the fields readers see, the structured rows in
words, the body's paragraphs, the attached documents' titles); `revision_diff` compares the
lines with difflib. The template escapes every line."""

import difflib
import re

from knowledge.models import plain_text
from knowledge.topics import topic_by_slug

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|ul|ol|blockquote)>|<br\s*/?>", re.IGNORECASE)


def rich_text_lines(html):
    text = _BLOCK_END.sub("\n", html or "")
    lines = (plain_text(line) for line in text.split("\n"))
    return [line for line in lines if line]


def sheet_text_lines(sheet):
    """The sheet (a page object, e.g. from Revision.as_object()) as plain-text lines."""
    topic = topic_by_slug(sheet.topic)
    lines = [
        f"Title: {sheet.title}",
        f"Topic: {topic.title if topic else sheet.topic}",
        f"Language: {sheet.language}",
        f"Last reviewed: {sheet.last_reviewed.isoformat() if sheet.last_reviewed else ''}",
        f"Review interval: {sheet.review_interval_months} months",
    ]
    if sheet.summary:
        lines.append(f"Summary: {' '.join(sheet.summary.split())}")
    lines += [rule.as_text() for rule in sheet.cross_border_rules.all()]
    lines += [contact.as_text() for contact in sheet.contact_points.all()]
    lines += [basis.as_text() for basis in sheet.legal_bases.all()]
    lines += rich_text_lines(sheet.body)
    lines += [f"Document: {item.document.title}" for item in sheet.documents.all()]
    return lines


def revision_diff(old_lines, new_lines):
    """[{"op": "same" | "added" | "removed", "text": line}] in reading order."""
    result = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result += [{"op": "same", "text": line} for line in old_lines[i1:i2]]
            continue
        result += [{"op": "removed", "text": line} for line in old_lines[i1:i2]]
        result += [{"op": "added", "text": line} for line in new_lines[j1:j2]]
    return result
