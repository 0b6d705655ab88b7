"""The authentication backend loads the signed-in user with organisation and country, and
answers permission checks exactly as Django's ModelBackend does, from one query."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from portal.auth_backends import PortalAuthenticationBackend
from portal.models import Role
from tests.factories import PASSWORD, UserFactory, user_in

pytestmark = pytest.mark.django_db


def permission(label):
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_user_comes_with_organisation_and_country(django_assert_num_queries):
    head = user_in("DE", Role.HEAD)
    user = PortalAuthenticationBackend().get_user(head.pk)
    with django_assert_num_queries(0):
        assert user.organisation.slug == "spoc-de"
        assert user.country.code == "DE"


def test_disabled_user_is_not_loaded():
    head = user_in("DE", Role.HEAD)
    head.is_active = False
    head.save(update_fields=["is_active"])
    assert PortalAuthenticationBackend().get_user(head.pk) is None
    assert PortalAuthenticationBackend().get_user(head.pk + 1000) is None


def test_permissions_are_the_users_own_and_their_groups(django_assert_num_queries):
    user = UserFactory()
    user.user_permissions.add(permission("wagtailadmin.access_admin"))
    group = Group.objects.create(name="Case workers for the test")
    group.permissions.add(permission("cases.work_on_cases"))
    user.groups.add(group)
    user = PortalAuthenticationBackend().get_user(user.pk)
    with django_assert_num_queries(1):
        assert user.has_perm("wagtailadmin.access_admin")
        assert user.has_perm("cases.work_on_cases")
        assert not user.has_perm("wagtailcore.add_page")
    expected = {"wagtailadmin.access_admin", "cases.work_on_cases"} | {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(group__user=user).select_related("content_type")
    }
    assert user.get_all_permissions() == expected


def test_superuser_has_every_permission_and_inactive_user_none():
    superuser = UserFactory(is_superuser=True)
    assert PortalAuthenticationBackend().get_all_permissions(superuser) == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(permission("wagtailadmin.access_admin"))
    assert not inactive.has_perm("wagtailadmin.access_admin")


def test_signing_in_with_a_password_goes_through_the_portal_backend():
    user_in("DE", Role.HEAD, email="head.de.backend@example.eu")
    client = Client()
    assert client.login(email="head.de.backend@example.eu", password=PASSWORD)
    assert (
        client.session["_auth_user_backend"] == "portal.auth_backends.PortalAuthenticationBackend"
    )
