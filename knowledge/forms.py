"""The Wagtail document form with a content check (setting WAGTAILDOCS_DOCUMENT_FORM_BASE):
a file named .pdf must be a PDF and one named .docx a Word document, whatever the upload
path (documents listing, multiple upload, the chooser in a page editor). Extensions and the
size limit stay with Wagtail's own checks (WAGTAILDOCS_EXTENSIONS, WAGTAILDOCS_MAX_UPLOAD_SIZE
in portal settings)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from knowledge.extraction import check_content


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            problem = check_content(file.name, file)
            file.seek(0)
            if problem:
                raise forms.ValidationError(problem, code="content_mismatch")
        return file
