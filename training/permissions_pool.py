"""Who may do what with the trainer pool, attendance, evaluations and certificates. Pure
predicates, used by services (enforcement), selectors and views, as in training.permissions
(whose rules they build on).

- The pool: a Head of SPOC proposes trainers of their own country; the core group of
  trainers vets them. Every member sees a vetted trainer's professional profile (name,
  country, organisation, topics, languages, qualifications, the sessions they give); the
  contact address, the availability notes and the evaluation scores are for the trainers
  (and the proposing country's head). A proposal not (yet) vetted is seen only by the head(s)
  of its country and the trainers.
- A trainer's record is edited by the core group of trainers (any record, vetted or not),
  and by the heads of the trainer's country while their proposal waits for vetting (once
  vetted, the profile is what the core group vouched for: corrections go through them).
- Attendance is recorded by the session's organiser (training.permissions.is_organiser).
- Evaluation results (anonymous aggregates) are seen by the trainers, and by CEPOL's
  representatives for CEPOL's courses.
- A certificate is the participant's: seen by them, their country's head and National
  Contact Point and the organiser (as the nomination is); its code can be checked by any
  member."""

from training import permissions


def can_propose_trainer(user):
    return permissions.head_country(user) is not None


def can_vet_trainers(user):
    return permissions.is_trainer(user)


def is_proposers_head(user, trainer):
    country = permissions.head_country(user)
    return country is not None and country.pk == trainer.country_id


def can_see_trainer(user, trainer):
    if not permissions.is_member(user):
        return False
    if trainer.is_vetted:
        return True
    return can_vet_trainers(user) or is_proposers_head(user, trainer)


def can_see_trainer_private(user, trainer):
    """Contact address, availability notes, evaluation scores, the vetting history."""
    return can_vet_trainers(user) or is_proposers_head(user, trainer)


def can_edit_trainer(user, trainer):
    if can_vet_trainers(user):
        return True
    return is_proposers_head(user, trainer) and trainer.status == trainer.Status.PROPOSED


def can_assign_trainers(user, session):
    return permissions.can_manage_course(user, session.course)


def can_record_attendance(user, session):
    return permissions.is_organiser(user, session.course)


def can_manage_questionnaires(user):
    return permissions.is_trainer(user)


def can_see_evaluation_results(user, course):
    from training.models import Course

    if permissions.is_trainer(user) or permissions.is_admin(user):
        return True
    return course.organiser == Course.Organiser.CEPOL and permissions.cepol_of(user) is not None


def can_see_certificate(user, nomination):
    return permissions.can_see_nomination(user, nomination)


def can_verify_certificates(user):
    return permissions.is_member(user)
