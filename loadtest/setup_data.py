"""The throwaway database of a load test: tables, the demo data, accounts, and what to read.

`python -m loadtest.setup_data OUT.json USERS`, run by run.py with the load test's DATABASE_URL
and the accounts' password in LOADTEST_PASSWORD. One process does the migration, the cache
table, fixtures/demo.json and the accounts (each manage.py start costs a second of shared CPU).
Half the accounts own every demo decision (so they may edit its matrix), half may submit
meeting notes. The JSON written lists the accounts, what the clients may read, and each
decision's matrix and its cells' versions before the load, which check.py compares against afterwards.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def main(out: Path, users: int, password: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", verbosity=0)
    call_command("loaddata", "fixtures/demo.json", verbosity=0)

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, Permission, User
    from django.db import transaction

    from decisions.models import (
        RFC,
        Assessment,
        Decision,
        DecisionOwner,
        Meeting,
        MeetingSeries,
        OwnerRole,
        Person,
    )

    owners = max(1, users // 2)
    submitters = max(1, users - owners)
    encoded = make_password(password)  # hashed once: PBKDF2 costs about half a second per call
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name="Load-test meeting submitters")
        group.permissions.add(Permission.objects.get(codename="add_meeting"))
        owner_names = [f"lt-owner-{i:02d}" for i in range(owners)]
        submitter_names = [f"lt-submitter-{i:02d}" for i in range(submitters)]
        User.objects.bulk_create(
            User(username=name, password=encoded) for name in owner_names + submitter_names
        )
        group.user_set.add(*User.objects.filter(username__in=submitter_names))
        decisions = list(Decision.objects.order_by("number"))
        for user in User.objects.filter(username__in=owner_names):
            person = Person.objects.create(name=f"Load Owner {user.username[-2:]}", user=user)
            DecisionOwner.objects.bulk_create(
                DecisionOwner(decision=d, person=person, role=OwnerRole.OWNER) for d in decisions
            )

    def matrix(decision: Decision) -> dict[str, Any]:
        assessments = list(Assessment.objects.filter(option__decision=decision))
        notes = {f"{a.option_id}:{a.criterion_id}": a.note for a in assessments}
        return {
            "number": decision.number,
            "cells": {f"{a.option_id}:{a.criterion_id}": a.version for a in assessments},
            "options": list(decision.options.values_list("pk", flat=True)),
            "criteria": list(decision.criteria.values_list("pk", flat=True)),
            "notes": notes,
        }

    data = {
        "owners": owner_names,
        "submitters": submitter_names,
        "password": password,
        "decisions": [matrix(d) for d in decisions],
        "series": list(MeetingSeries.objects.values_list("pk", flat=True)),
        "attendees": list(Person.objects.exclude(user__isnull=False).values_list("name", flat=True)[:8]),
        "reads": {
            "rfcs": [rfc.get_absolute_url() for rfc in RFC.objects.all()[:50]],
            "meetings": [m.get_absolute_url() for m in Meeting.objects.all()[:50]],
            "decisions": [d.get_absolute_url() for d in decisions],
            "searches": ["wasi", "interpreter", "reviewers", "component model"],
        },
    }
    out.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rfcs_site.settings")
    main(Path(sys.argv[1]), int(sys.argv[2]), os.environ["LOADTEST_PASSWORD"])
