"""The one way the portal hands out generated files: PDFs drawn by WeasyPrint from an HTML
template, and the download response for any generated file (PDF, DOCX, iCalendar).

The PDFs load no external resource: stylesheets are part of the templates and the URL
fetcher refuses everything, so a link or image named in user content is never fetched."""

from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"External resources are not loaded: {url}")


def render_pdf(template, context):
    from weasyprint import HTML  # imported late: Pango loads with it

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def download_response(body, *, content_type, filename):
    """An attachment that is personal (it may hold restricted content): never cached."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
