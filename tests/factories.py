"""Factories shared by the test suite."""

import datetime

import factory
from allauth.account.models import EmailAddress

from portal.models import Organisation, Role, UpdateIndexPage, UpdatePage, User
from portal.services import _apply_roles

PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.eu")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    organisation = factory.LazyFunction(lambda: Organisation.objects.get(slug="spoc-be"))

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            _apply_roles(self, list(extracted))

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and self.email:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


def user_in(country_code, *roles, **kwargs):
    """A user of the given country's SPOC holding the given roles."""
    return UserFactory(
        organisation=Organisation.objects.get(slug=f"spoc-{country_code.lower()}"),
        roles=list(roles),
        **kwargs,
    )


def admin_user(**kwargs):
    return UserFactory(
        organisation=Organisation.objects.get(slug="gsc"), roles=[Role.ADMIN], **kwargs
    )


def make_update(
    slug,
    title=None,
    *,
    summary=None,
    body="<p>Body.</p>",
    date=datetime.date(2026, 11, 1),
    audience="network",
    live=True,
    parent=None,
):
    """A Presidency update under the update index (or under `parent`), read back from the
    database: published (and so indexed: tasks run at once in tests), or with live=False a
    draft never published. The title defaults to the slug made readable, the summary to
    "About <title>."."""
    title = title or slug.replace("-", " ").capitalize()
    page = UpdatePage(
        title=title,
        slug=slug,
        summary=summary or f"About {title}.",
        body=body,
        date=date,
        audience=audience,
        live=live,
    )
    (parent or UpdateIndexPage.objects.get()).add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    page.refresh_from_db()
    return page
