"""Background work of the knowledge base (django-tasks; tests run them at once).

- extract_document_text(document_id=...): text of a PDF/DOCX into DocumentText, then the
  pages it is attached to are re-indexed.
- reindex_knowledge_page(page_id=...): a fresh search-index entry for a published page.
- remind_overdue_fact_sheets(): the monthly digest of overdue sheets to each country's
  editors (idempotent per country and month). `manage.py send_review_reminders` enqueues it;
  cron runs that command monthly (README).
"""

import datetime

from django.utils import timezone
from django_tasks import task
from wagtail.models import Page

from knowledge.services import document_text_extract, page_reindex, review_reminders_send


@task()
def extract_document_text(*, document_id):
    record = document_text_extract(document_id=document_id)
    return bool(record and not record.error)


@task()
def reindex_knowledge_page(*, page_id):
    page = Page.objects.live().filter(pk=page_id).specific().first()
    if page is not None:
        page_reindex(page=page)


@task()
def remind_overdue_fact_sheets(*, today=None):
    """`today` (ISO date) only for tests and catch-up runs."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return review_reminders_send(today=day)
