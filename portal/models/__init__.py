from .pages import (
    HomePage,
    NoAliasCopyForm,
    PortalPage,
    UpdateDocument,
    UpdateIndexPage,
    UpdateNotification,
    UpdatePage,
)
from .reference import Country, Organisation, OrganisationKind, PresidencyTerm
from .users import AccessToken, Invitation, Role, RoleGroup, User

__all__ = [
    "AccessToken",
    "Country",
    "HomePage",
    "NoAliasCopyForm",
    "Invitation",
    "Organisation",
    "OrganisationKind",
    "PortalPage",
    "PresidencyTerm",
    "Role",
    "RoleGroup",
    "UpdateDocument",
    "UpdateIndexPage",
    "UpdateNotification",
    "UpdatePage",
    "User",
]
