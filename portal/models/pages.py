from django.core.paginator import Paginator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.dashboard import panels_for
from portal.routing import route_from
from portal.visibility import view_restrictions_for


class NoAliasCopyForm(CopyForm):
    """The admin's copy form without "copy as alias", for pages whose identity must stay
    unique: a fact sheet (one per country and topic) or a meeting (its calendar UID in feeds);
    an alias would be a second page with the same identity. Set as `copy_form_class`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("alias", None)


class PortalPage(Page):
    """The base of every page model of the portal. Wagtail checks a page's privacy when it
    serves it by asking `get_view_restrictions()`, two queries on the tree per page; this
    answers the same from portal.visibility's cached map of restrictions."""

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        return view_restrictions_for(self)


class HomePage(PortalPage):
    """The site root: each user's dashboard, assembled from the panel registry."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def route(self, request, path_components):
        return route_from(self, request, path_components)

    def get_context(self, request, *args, **kwargs):
        from portal.reference import presidency_on  # cycle: it imports portal.models

        context = super().get_context(request, *args, **kwargs)
        context["panels"] = panels_for(request)
        context["presidency"] = presidency_on()
        return context


class UpdateIndexPage(PortalPage):
    """Presidency updates: the Presidency informing the network, and the network informing the
    DAPIX/IXIM working party."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.UpdatePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import update_list  # cycle: it imports portal.models

        context = super().get_context(request, *args, **kwargs)
        audience = request.GET.get("audience", "")
        if audience not in dict(UpdatePage.Audience.choices):
            audience = ""
        paginator = Paginator(update_list(user=request.user, audience=audience or None), 20)
        context["updates"] = paginator.get_page(request.GET.get("page"))
        context["audience"] = audience
        context["audiences"] = UpdatePage.Audience.choices
        return context


class UpdatePage(PortalPage):
    class Audience(models.TextChoices):
        NETWORK = "network", "The network"
        DAPIX = "dapix", "DAPIX/IXIM working party"

    date = models.DateField("Date of the update")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.NETWORK)
    summary = models.TextField(max_length=500, help_text="One paragraph shown in lists and feeds.")
    body = RichTextField(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("audience"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("documents", label="Attached documents"),
    ]
    parent_page_types = ["portal.UpdateIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("audience"),
    ]

    class Meta:
        verbose_name = "Presidency update"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = [
            item.document
            for item in self.documents.select_related("document").order_by("sort_order")
        ]
        context["index_page"] = self.get_parent()
        return context


class UpdateDocument(Orderable):
    page = ParentalKey(UpdatePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("document")]

    def __str__(self):
        return str(self.document)


class UpdateNotification(models.Model):
    """Records that members were emailed about a published update, so republishing an edited
    update does not email everyone again."""

    page = models.OneToOneField(UpdatePage, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Notification for {self.page_id}"
