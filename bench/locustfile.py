"""Two kinds of people, used by bench/load.py (``locust -f bench/locustfile.py Leader``):

- ``Leader``: one leader in the last hour before the deadline: open the review, save the
  draft a few times, submit once, then keep reading the portal.
- ``Visitor``: a resident or a department's officer on a phone, not signed in, reading
  the public pages: the board, a ranking, portraits, the wish wall and the calendar."""

import itertools
import json
import os
import random
from html.parser import HTMLParser

from locust import HttpUser, between, task


def _json(variable: str, empty):
    path = os.environ.get(variable)
    return json.loads(open(path).read()) if path else empty  # noqa: SIM115


ACCOUNTS = _json("LOAD_ACCOUNTS", [])
PUBLIC = _json("LOAD_PUBLIC_URLS", {})
_next_account = itertools.count()
# As a TLS-terminating proxy in front of gunicorn would say.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class ReviewForm(HTMLParser):
    """The fields of the review form (the POST form holding ``work_summary``) and their
    current values; the page has other POST forms (language, log out, attachments)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None

    @property
    def fields(self) -> dict[str, str]:
        return next((form for form in self.forms if "work_summary" in form), {})

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = attrs.get("method", "").lower() == "post"
            if self._in_form:
                self.forms.append({})
            return
        if not self._in_form:
            return
        fields = self.forms[-1]
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("file", "submit"):
            fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._in_form:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


class Leader(HttpUser):
    # A leader reads and types between two clicks: 3–8 s by default (LOAD_WAIT="1,3" is
    # the saturation run: every leader clicking every 1–3 s).
    wait_time = between(*(float(x) for x in os.environ.get("LOAD_WAIT", "3,8").split(",")))

    def on_start(self):
        account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.review_url = f"/evaluation/reviews/{account['review']}/"
        self.saves_left = random.randint(2, 4)  # noqa: S311
        self.submitted = False
        self.client.headers.update(PROXY_HEADERS)
        self.client.headers["Referer"] = f"https://{self.host.split('://', 1)[1]}/"
        # Signed in earlier in the hour (bench/load.py made the session).
        self.client.cookies.set("sessionid", account["session"])

    def _plain_cookies(self):
        # The server marks cookies Secure (it believes it is behind TLS); the load generator
        # talks plain HTTP on the loopback, so it keeps sending them itself.
        for cookie in list(self.client.cookies):
            if cookie.secure:
                cookie.secure = False

    def _form(self) -> dict[str, str]:
        page = self.client.get(self.review_url, name="review page")
        self._plain_cookies()
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


class Visitor(HttpUser):
    # Reading a public page on a phone takes a while: 5–15 s between two pages by default.
    wait_time = between(*(float(x) for x in os.environ.get("LOAD_VISITOR_WAIT", "5,15").split(",")))

    def on_start(self):
        self.client.headers.update(PROXY_HEADERS)

    @task(3)
    def board(self):
        self.client.get("/", name="public board")

    @task(2)
    def ranking(self):
        self.client.get(random.choice(PUBLIC["rankings"]), name="ranking")  # noqa: S311

    @task(4)
    def portrait(self):
        self.client.get(random.choice(PUBLIC["portraits"]), name="portrait")  # noqa: S311

    @task(2)
    def wishes(self):
        self.client.get("/market/wishes/", name="wish wall")

    @task(2)
    def calendar(self):
        self.client.get("/volunteer/calendar/", name="activity calendar")
