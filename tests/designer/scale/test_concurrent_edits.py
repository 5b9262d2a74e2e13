"""Two people edit the same table at the same moment, on PostgreSQL: the second edit waits for
the first to commit before it reads what it will change, so its undo entry holds only its own
change. Undoing it never takes the other person's work with it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import psycopg
from fixtures.appserver import ROOT, app_env
from fixtures.services import missing_service

MACHINE_PG = "postgresql://postgres@127.0.0.1:5432/postgres"

TOGETHER = r"""
import json, threading, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from designer.models import DesignColumn, DesignTable
from designer.services.columns import column_add
from designer.services.history import history_undo
from designer.services.tables import table_create
from projects.models import Membership, Role
from projects.services import project_create

User = get_user_model()
ann = User.objects.create_user("ann", password="pw-long-enough-1")
bob = User.objects.create_user("bob", password="pw-long-enough-1")
project = project_create(owner=ann, name="Together")
Membership.objects.create(project=project, user=bob, role=Role.EDITOR)
users, _ = table_create(actor=ann, project=project, name="users")
ann_wrote, ann_may_commit = threading.Event(), threading.Event()


def ann_adds():  # her edit is written, not committed yet, when Bob's starts
    try:
        with transaction.atomic():
            table = DesignTable.objects.get(pk=users.pk)
            column_add(actor=ann, table=table, name="from_ann", data_type="text")
            ann_wrote.set()
            ann_may_commit.wait(20)
    finally:
        connection.close()


def bob_adds():
    try:
        table = DesignTable.objects.get(pk=users.pk)
        column_add(actor=bob, table=table, name="from_bob", data_type="text")
    finally:
        connection.close()


ann_thread = threading.Thread(target=ann_adds)
ann_thread.start()
assert ann_wrote.wait(20)
bob_thread = threading.Thread(target=bob_adds)
bob_thread.start()
time.sleep(0.5)  # Bob's edit is under way (and waits for Ann's)
ann_may_commit.set()
ann_thread.join()
bob_thread.join()
history_undo(actor=bob, project=project)
names = DesignColumn.objects.filter(table=users).values_list("name", flat=True)
print(json.dumps(sorted(names)))
"""


def test_undoing_an_edit_made_beside_anothers_keeps_the_other_one(tmp_path):
    try:
        admin = psycopg.connect(MACHINE_PG, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        missing_service("PostgreSQL at 127.0.0.1:5432")
    name = f"erd_together_{uuid.uuid4().hex[:10]}"
    admin.execute(f"CREATE DATABASE {name}")
    try:
        env = app_env(tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}")
        run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
        out = subprocess.run([sys.executable, "-c", TOGETHER], timeout=120, **run)
        # Bob's column is undone; the table's own id and Ann's column stay
        assert json.loads(out.stdout.strip().splitlines()[-1]) == ["from_ann", "id"]
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
