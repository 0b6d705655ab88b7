from .pages import HomePage, UpdateDocument, UpdateIndexPage, UpdateNotification, UpdatePage
from .search import SearchMiss
from .reference import Country, Organisation, OrganisationKind, PresidencyTerm
from .users import AccessToken, Invitation, Role, RoleGroup, User

__all__ = [
    "AccessToken",
    "Country",
    "HomePage",
    "Invitation",
    "Organisation",
    "OrganisationKind",
    "PresidencyTerm",
    "Role",
    "RoleGroup",
    "SearchMiss",
    "UpdateDocument",
    "UpdateIndexPage",
    "UpdateNotification",
    "UpdatePage",
    "User",
]
