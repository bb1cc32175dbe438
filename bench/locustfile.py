"""One leader in the last hour before the deadline: log in, open the review, save the draft
a few times, submit once, then keep reading the portal. Used by bench/load.py."""

import itertools
import json
import os
import random
from html.parser import HTMLParser

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())  # noqa: SIM115
PASSWORD = os.environ["LOAD_PASSWORD"]
_next_account = itertools.count()
# As a TLS-terminating proxy in front of gunicorn would say.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class ReviewForm(HTMLParser):
    """The fields of the first POST form on the page and their current values."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._form = 0
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._form += 1
        if self._form != 1:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("file", "submit"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


class Leader(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.review_url = f"/evaluation/reviews/{account['review']}/"
        self.saves_left = random.randint(2, 4)  # noqa: S311
        self.submitted = False
        self.client.headers.update(PROXY_HEADERS)
        self.client.headers["Referer"] = f"https://{self.host.split('://', 1)[1]}/"
        login = self.client.get("/accounts/login/", name="login page")
        self._plain_cookies()
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/accounts/login/",
            {"username": account["username"], "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="log in",
        )
        self._plain_cookies()
        del login

    def _plain_cookies(self):
        # The server marks cookies Secure (it believes it is behind TLS); the load generator
        # talks plain HTTP on the loopback, so it keeps sending them itself.
        for cookie in list(self.client.cookies):
            if cookie.secure:
                cookie.secure = False

    def _form(self) -> dict[str, str]:
        page = self.client.get(self.review_url, name="review page")
        parser = ReviewForm()
        parser.feed(page.text)
        return parser.fields

    @task(3)
    def work_on_the_review(self):
        if self.submitted:
            self.client.get(self.review_url, name="review page (after submitting)")
            return
        fields = self._form()
        if "work_summary" not in fields:
            return
        fields["work_summary"] += " 补充。"
        if self.saves_left > 0:
            self.saves_left -= 1
            fields["action"] = "save"
            name = "save draft"
        else:
            fields["action"] = "submit"
            name = "submit"
        with self.client.post(
            self.review_url, fields, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"expected a redirect, got {response.status_code}")
            elif name == "submit":
                self.submitted = True

    @task(1)
    def read_the_portal(self):
        self.client.get("/", name="portal home")
