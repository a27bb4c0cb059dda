"""The Contributors and Editors groups, made after `migrate` when missing, holding the table's
permissions; staff put people in them in the admin (Users -> Groups)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from decisions.permissions.table import GROUPS, group_permissions


def install_groups(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: create each missing group with its permissions. An existing group is left as
    staff set it (a permission taken away in the admin stays away)."""
    for name, role in GROUPS.items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        if not created:
            continue
        wanted = Q()
        for dotted in group_permissions(role):
            app_label, codename = dotted.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.using(using).filter(wanted))
