"""Who may do what in training. Pure predicates on the user (and the object), used by the
services (enforcement), the selectors and the views (what to show) alike.

- Trainers (role trainer; administrators count as trainers) form the core group of training
  experts: they run the needs rounds and read the pooled results.
- A Head of SPOC acts for their own country only; they may name delegates of their country
  (training.models.TrainingDelegate) to answer needs rounds for it."""

from portal.models import Role
from portal.permissions import is_admin  # the portal's one rule, also used here


def is_member(user):
    return bool(user and user.is_authenticated and user.is_active)


def is_trainer(user):
    return is_member(user) and (user.is_superuser or user.has_role(Role.TRAINER))


def head_country(user):
    """The country a Head of SPOC acts for, else None."""
    if is_member(user) and user.has_role(Role.HEAD):
        return user.country
    return None


def _delegated_kinds(user):
    """The kinds of training delegation the user holds for their own country (cached on the
    user for the request). A delegation for a country the user no longer belongs to counts
    for nothing."""
    if not hasattr(user, "_training_delegations"):
        from training.models import TrainingDelegate

        country = user.country if user.organisation_id else None
        if country is None:
            kinds = frozenset()
        else:
            kinds = frozenset(
                TrainingDelegate.objects.filter(user=user, country=country).values_list(
                    "kind", flat=True
                )
            )
        user._training_delegations = kinds
    return user._training_delegations


def delegate_country(user, kind):
    if not is_member(user):
        return None
    if kind in _delegated_kinds(user):
        return user.country
    return None


def needs_country(user):
    """The country whose training needs the user reports: their own, as its Head of SPOC or
    as a delegate the head named; else None."""
    from training.models import TrainingDelegate

    return head_country(user) or delegate_country(user, TrainingDelegate.Kind.NEEDS)


def can_manage_delegates(user):
    return head_country(user) is not None


def can_see_needs_rounds(user):
    return is_trainer(user) or needs_country(user) is not None


def can_manage_needs_rounds(user):
    return is_trainer(user)


def can_see_needs_matrix(user):
    """The pooled results (every country's answers) are the core group's working material."""
    return is_trainer(user)


# --- Courses and sessions -------------------------------------------------------------------
# Every member sees the catalogue, the sessions and the annual plan (no personal data there).
# Trainers manage every course; CEPOL's representatives (role agency, organisation CEPOL)
# manage the courses CEPOL organises, and only those.

CEPOL_SLUG = "cepol"


def cepol_of(user):
    """CEPOL, for one of its representatives; else None."""
    if not (is_member(user) and user.has_role(Role.AGENCY) and user.organisation_id):
        return None
    organisation = user.organisation
    return organisation if organisation.slug == CEPOL_SLUG else None


def can_see_courses(user):
    return is_member(user)


def organisers_for(user):
    """The kinds of organiser whose courses the user may create."""
    from training.models import Course

    if is_trainer(user):
        return frozenset(Course.Organiser.values)
    if cepol_of(user) is not None:
        return frozenset({Course.Organiser.CEPOL})
    return frozenset()


def can_create_courses(user):
    return bool(organisers_for(user))


def can_manage_course(user, course):
    return course.organiser in organisers_for(user)


def can_see_online_link_of_all(user, course):
    """The organiser sees every session's online link (participants see their own)."""
    return can_manage_course(user, course)


def can_see_online_link(user, session):
    """Besides the confirmed participants: the organiser, and the session's own trainers
    (who give it)."""
    return can_see_online_link_of_all(user, session.course) or gives_session(user, session)


# --- Nominations ----------------------------------------------------------------------------
# The organiser decides on a session's nominations (confirm, decline, waiting list): CEPOL's
# representatives for CEPOL's courses, the core group of trainers for the network's, the
# organising country's Head of SPOC for a country's. Administrators may act for any of them.
# Nominees' personal data is seen by the nominee, their own country's head (and National
# Contact Points), the organiser and the session's trainers (trainer records of the pool linked
# to a portal account, see sessions_given); by nobody else. Trainers of a session see, they do
# not decide.


def is_organiser(user, course):
    from training.models import Course

    if is_admin(user):
        return True
    if course.organiser == Course.Organiser.CEPOL:
        return cepol_of(user) is not None
    if course.organiser == Course.Organiser.NETWORK:
        return is_trainer(user)
    country = head_country(user)
    return country is not None and country.pk == course.organiser_country_id


def organises_courses(user):
    """Whether the user is the organiser of some kind of course."""
    return (
        is_admin(user)
        or cepol_of(user) is not None
        or is_trainer(user)
        or head_country(user) is not None
    )


def national_contact_country(user):
    from training.models import TrainingDelegate

    return delegate_country(user, TrainingDelegate.Kind.NATIONAL_CONTACT)


def nominating_country(user):
    """The country whose staff the user nominates and approves: a head's own."""
    return head_country(user)


def can_ask_nomination(user):
    """Any member of a national SPOC may ask to be nominated."""
    return is_member(user) and user.organisation_id is not None and user.country is not None


def sees_all_nominations(user, session):
    return is_organiser(user, session.course)


def countries_seen(user):
    """The countries whose nominations the user sees besides their own: their country as its
    head or National Contact Point."""
    return {
        country.pk
        for country in (head_country(user), national_contact_country(user))
        if country is not None
    }


def sessions_given(user):
    """The ids of the sessions the user gives: sessions whose trainers (training.SessionTrainer)
    include a trainer record of the pool linked to the user's portal account. As for
    delegations, the link counts only while the user belongs to the trainer's country (the
    record was proposed for that SPOC). Cached on the user for the request (one query)."""
    if not is_member(user):
        return frozenset()
    if not hasattr(user, "_training_sessions_given"):
        from training.models import SessionTrainer

        country = user.country if user.organisation_id else None
        if country is None:
            given = frozenset()
        else:
            given = frozenset(
                SessionTrainer.objects.filter(
                    trainer__user=user, trainer__country=country
                ).values_list("session_id", flat=True)
            )
        user._training_sessions_given = given
    return user._training_sessions_given


def gives_session(user, session):
    """Whether the user is one of the session's trainers: they see its nominees (the issue's
    rule: "the trainers of that session"), without deciding on them."""
    return session.pk in sessions_given(user)


def can_see_nomination(user, nomination):
    if not is_member(user):
        return False
    if nomination.nominee_id == user.pk:
        return True
    if nomination.country_id in countries_seen(user):
        return True
    if nomination.session_id in sessions_given(user):
        return True
    return sees_all_nominations(user, nomination.session)
