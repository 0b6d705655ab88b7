from django.db import models
from django.db.models import F, Q


class Country(models.Model):
    """One of the 31 countries of the network. `code` is ISO 3166-1 alpha-2; the EU's own
    code (EL for Greece) is kept in `eu_code` and accepted wherever a code is read."""

    code = models.CharField(max_length=2, unique=True)
    eu_code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=80, unique=True)
    is_eu_member = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_iso"),
        ]

    def __str__(self):
        return self.name


class OrganisationKind(models.TextChoices):
    SPOC = "spoc", "National SPOC"
    AGENCY = "agency", "EU agency or international organisation"
    COUNCIL = "council", "Council of the EU"


class Organisation(models.Model):
    """Where a user belongs: a country's SPOC, an agency, or the Council's secretariat."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=30)
    kind = models.CharField(max_length=10, choices=OrganisationKind.choices)
    country = models.OneToOneField(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="spoc"
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            # A SPOC always belongs to a country; agencies and the Council never do.
            models.CheckConstraint(
                condition=(Q(kind="spoc") & Q(country__isnull=False))
                | (~Q(kind="spoc") & Q(country__isnull=True)),
                name="organisation_country_iff_spoc",
            ),
        ]

    def __str__(self):
        return self.name


class PresidencyTerm(models.Model):
    """A semester of the rotating Council Presidency."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="presidencies")
    starts_on = models.DateField(unique=True)
    ends_on = models.DateField(unique=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="presidency_ends_after_start"
            ),
        ]

    def __str__(self):
        half = "H1" if self.starts_on.month <= 6 else "H2"
        return f"{self.starts_on.year} {half}: {self.country.name}"

    @property
    def label(self):
        return str(self)
