"""Reading the text out of uploaded documents, and checking that a file is what its name says.

Pure functions on file objects (no database): `check_content(name, fileobj)` returns an error
message or None; `extract_text(name, fileobj)` returns the text or raises ExtractionError with a
reason fit to show an administrator. PDF through pypdf, DOCX through python-docx, plain text
as UTF-8. Nothing here may crash on a hostile file: every parser error becomes an
ExtractionError.
"""

import io
import os
import zipfile

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
MAX_TEXT_CHARS = 1_000_000  # indexed text per document
MAX_PDF_PAGES = 2_000
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024  # guard against zip bombs


class ExtractionError(Exception):
    pass


def extension_of(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _head(fileobj, size=8):
    position = fileobj.tell() if hasattr(fileobj, "tell") else 0
    head = fileobj.read(size)
    fileobj.seek(position)
    return head or b""


def check_content(name, fileobj):
    """An error message when the file's content does not match its extension (a ".pdf" that
    is not a PDF, a ".docx" that is not a Word document), else None."""
    extension = extension_of(name)
    if extension == "pdf":
        # The PDF header may follow a few bytes of junk (ISO 32000-1 tolerates up to 1024).
        if PDF_MAGIC not in _head(fileobj, 1024):
            return "This file is named .pdf but is not a PDF document."
    elif extension == "docx":
        if _head(fileobj, 4) != ZIP_MAGIC:
            return "This file is named .docx but is not a Word (DOCX) document."
        try:
            with zipfile.ZipFile(_seekable(fileobj)) as archive:
                if "word/document.xml" not in archive.namelist():
                    return "This file is named .docx but is not a Word (DOCX) document."
        except (zipfile.BadZipFile, OSError, ValueError):
            return "This file is named .docx but is not a Word (DOCX) document."
        finally:
            fileobj.seek(0)
    return None


def _seekable(fileobj):
    fileobj.seek(0)
    return fileobj


def extract_text(name, fileobj):
    """The text of the document, whitespace-normalised per line, cut at MAX_TEXT_CHARS.
    Returns "" for formats that are not extracted."""
    extension = extension_of(name)
    problem = check_content(name, fileobj)
    if problem:
        raise ExtractionError(problem)
    if extension == "pdf":
        text = _pdf_text(fileobj)
    elif extension == "docx":
        text = _docx_text(fileobj)
    elif extension in ("txt", "csv"):
        text = fileobj.read(MAX_TEXT_CHARS * 4).decode("utf-8", errors="replace")
    else:
        return ""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:MAX_TEXT_CHARS]


def _pdf_text(fileobj):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(fileobj.read()))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise ExtractionError("The PDF is encrypted.") from exc
        parts = []
        size = 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or size > MAX_TEXT_CHARS:
                break
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
        return "\n".join(parts)
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise ExtractionError(f"The PDF could not be read ({type(exc).__name__}).") from exc


def _docx_text(fileobj):
    import docx

    data = io.BytesIO(fileobj.read())
    try:
        with zipfile.ZipFile(data) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNCOMPRESSED:
                raise ExtractionError("The DOCX file is too large once uncompressed.")
        data.seek(0)
        document = docx.Document(data)
        parts = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" | ".join(cell.text for cell in row.cells))
        return "\n".join(parts)
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"The DOCX file could not be read ({type(exc).__name__}).") from exc
