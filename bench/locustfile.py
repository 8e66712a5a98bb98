"""Simulated staff and parents for `make load`: each signs in with an account of their own
(from the file in LOAD_ACCOUNTS) and walks the pages they use most, pausing to read each
(5 to 15 seconds, as a person does)."""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

with open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8") as accounts_file:
    ACCOUNTS = json.load(accounts_file)
STAFF = itertools.cycle(ACCOUNTS["staff"])
PARENTS = itertools.cycle(ACCOUNTS["parents"])
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class PortalUser(HttpUser):
    """Someone who signs in once, then reads pages, pausing to read each."""

    abstract = True
    wait_time = between(5, 15)
    accounts = STAFF

    def on_start(self):
        email, self.role = next(self.accounts)
        login = self.client.get("/login", name="/login")
        token = CSRF.search(login.text)
        with self.client.post("/login", name="/login [sign in]", allow_redirects=False,
                              data={"email": email, "password": ACCOUNTS["password"],
                                    "csrf_token": token.group(1) if token else ""},
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{email} could not sign in ({response.status_code})")

    def open_one_of(self, listing: str, pattern: str, name: str) -> None:
        """Open a list page, then one of the detail pages it links to."""
        found = re.findall(pattern, self.client.get(listing).text)
        if found:
            self.client.get(random.choice(found), name=name)


class StaffMember(PortalUser):
    """A teacher, counsellor or administrator."""

    accounts = STAFF

    @task(3)
    def student_profile(self):
        self.open_one_of("/students", r'href="(/students/\d+)"', "/students/[id]")

    @task(2)
    def search_students(self):
        self.client.get(f"/students?search={random.choice(['an', 'el', 'ma', 'son'])}",
                        name="/students?search")

    @task(2)
    def home_and_work(self):
        self.client.get("/")
        self.client.get("/notifications/work")

    @task(1)
    def follow_ups_events_messages(self):
        for path in ("/interactions/follow-ups", "/events/", "/messaging/"):
            self.client.get(path)

    @task(1)
    def dashboard_or_gradebook(self):
        self.client.get("/outcomes/" if self.role == "teacher" else "/dashboards/")


class Parent(PortalUser):
    """A guardian on the family portal."""

    accounts = PARENTS

    @task(3)
    def child(self):
        self.open_one_of("/family/", r'href="(/family/children/\d+)"', "/family/children/[id]")

    @task(2)
    def inbox(self):
        self.open_one_of("/family/inbox", r'href="(/family/inbox/\d+)"', "/family/inbox/[id]")

    @task(1)
    def events_requests_settings(self):
        for path in ("/family/events", "/family/requests", "/family/settings"):
            self.client.get(path)
