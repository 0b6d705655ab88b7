"""The knowledge base's forms.

- `CheckedDocumentForm`: the Wagtail document form with a content check (setting
  WAGTAILDOCS_DOCUMENT_FORM_BASE): a file named .pdf must be a PDF and one named .docx a Word
  document, whatever the upload path (documents listing, multiple upload, the chooser in a
  page editor). Extensions and the size limit stay with Wagtail's own checks
  (WAGTAILDOCS_EXTENSIONS, WAGTAILDOCS_MAX_UPLOAD_SIZE in portal settings).
- `CompareForm`, `QuickAnswerForm`: the reader tools' parameters (knowledge.views_tools),
  parsed by knowledge.compare and knowledge.quick_answer."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from knowledge import compare, quick_answer
from knowledge.compare import ParamError
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


class CountryCodesField(forms.Field):
    """Country codes from checkboxes (repeated `countries=`) and/or a comma list
    (`countries=BE,DE`); the form checks them against the network's countries."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        return compare.split_codes(value)


class CompareForm(forms.Form):
    topic = forms.CharField(label="Topic", required=False)
    countries = CountryCodesField(label="Countries", required=False)

    def __init__(self, *args, known, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known

    def clean_topic(self):
        try:
            return compare.parse_topic(self.cleaned_data.get("topic"))
        except ParamError as error:
            raise forms.ValidationError(error.message) from None

    def clean_countries(self):
        try:
            return compare.parse_countries(self.cleaned_data.get("countries"), known=self.known)
        except ParamError as error:
            raise forms.ValidationError(error.message) from None


class QuickAnswerForm(forms.Form):
    origin = forms.CharField(label="Country of origin (where you come from)", required=False)
    entered = forms.CharField(label="Country entered", required=False)
    action = forms.CharField(label="Action", required=False)

    def __init__(self, *args, known, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known

    def clean(self):
        cleaned = super().clean()
        try:
            origin, entered, action = quick_answer.parse(
                origin=cleaned.get("origin"),
                entered=cleaned.get("entered"),
                action=cleaned.get("action"),
                known=self.known,
            )
        except ParamError as error:
            self.add_error(error.param, error.message)
        else:
            cleaned.update(origin=origin, entered=entered, action=action)
        return cleaned
