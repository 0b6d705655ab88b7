"""Reading the text out of uploaded documents, and checking that a file is what its name says.

Pure functions on file objects (no database): `check_content(name, fileobj)` returns an error
message or None; `extract_text(name, fileobj)` returns the text or raises ExtractionError with a
reason fit to show an administrator. PDF through pypdf, DOCX through python-docx, plain text
as UTF-8. Nothing here may crash on a hostile file: every parser error becomes an
ExtractionError.

`extract_text_isolated(name, data, ...)` runs `extract_text` in a child process (this module
run with `python -m knowledge.extraction`) under a wall-clock limit and CPU-time and memory
limits, so a file built to make a parser loop or swell stops there, not in the worker.
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
MAX_TEXT_CHARS = 1_000_000  # indexed text per document
MAX_PDF_PAGES = 2_000
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024  # guard against zip bombs (a real DOCX is far less)


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
    from pypdf import PdfReader  # heavy: only the extraction child process needs it

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
    import docx  # heavy: only the extraction child process needs it

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


# --- In a child process with limits ------------------------------------------------------

_PROJECT_DIR = Path(__file__).resolve().parents[1]


def _limit_child(memory_bytes, cpu_seconds):
    def apply():
        import resource  # POSIX only, and needed in the child alone

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    return apply


def extract_text_isolated(name, data, *, timeout_seconds, memory_bytes):
    """`extract_text` on `data` (bytes) in a child process: the text, or ExtractionError when
    the file is refused, fails to parse, takes longer than `timeout_seconds` or needs more
    than `memory_bytes` of memory."""
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "knowledge.extraction", os.path.basename(name)],
            input=data,
            capture_output=True,
            timeout=timeout_seconds,
            cwd=_PROJECT_DIR,
            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(_PROJECT_DIR)},
            preexec_fn=_limit_child(memory_bytes, max(1, int(timeout_seconds))),  # noqa: PLW1509
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionError(
            f"Reading the file took longer than {timeout_seconds:g} seconds; it was stopped."
        ) from exc
    try:
        answer = json.loads(result.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if result.returncode != 0 or not isinstance(answer, dict):
        if result.returncode < 0 or b"MemoryError" in result.stderr:
            raise ExtractionError(
                "Reading the file needed too much memory or time; it was stopped."
            )
        raise ExtractionError("The file could not be read.")
    if "error" in answer:
        raise ExtractionError(str(answer["error"]))
    return str(answer.get("text", ""))


def _child_main(name):
    data = sys.stdin.buffer.read()
    try:
        answer = {"text": extract_text(name, io.BytesIO(data))}
    except ExtractionError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"error": "Reading the file needed too much memory; it was stopped."}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _child_main(sys.argv[1])
