"""wildapricot: a Wild Apricot site through its Admin API v2.2 (`/accounts/{id}/events`, paged by
`$skip`/`$top`) when the source has a `token_env`, else through its public `/events` page.

Wild Apricot's API takes a short-lived OAuth token, not the API key an administrator creates:
with `token_env` (the variable holding that API key) the spider first POSTs the key to the
token endpoint (`token_url`, default `https://oauth.wildapricot.org/auth/token`, Basic auth
`APIKEY:<key>`, `grant_type=client_credentials&scope=auto`), then sends the `access_token` it
gets as the bearer token, and takes the account id from the answer's `Permissions` when the
source URL is the site rather than the API URL. `token_url = ""` says the variable already
holds a bearer token (sent as is, like any platform's).

Options (`[sources.KEY.wildapricot]`): `window_days_ahead` (365), `page_size` (`$top`, 100),
`site` (the public site, for event and registration links; else the source URL's site),
`token_url`.
"""

import base64
import json
import os
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import scrapy

from eventhound.extractors.base import option_value
from eventhound.extractors.platform import with_query
from eventhound.extractors.wildapricot import OPTIONS
from eventhound.spider import PlatformSpider

API_HOST = "api.wildapricot.org"
API_BASE = f"https://{API_HOST}/v2.2"


class WildApricotSpider(PlatformSpider):
    name = "wildapricot"
    token: str | None = None
    account_id: str | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        site = next((u for u in spider.source.urls if "/accounts/" not in urlsplit(u).path), None)
        if site and not option_value(OPTIONS, spider.context.options, "site"):
            parts = urlsplit(site)
            options = {**spider.context.options, "site": f"{parts.scheme}://{parts.netloc}"}
            spider.context = replace(spider.context, options=options)
        return spider

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if "/accounts/" in parts.path and parts.path.rstrip("/").lower().endswith("/events"):
            api = url
        elif self.account_id:
            api = f"{API_BASE}/accounts/{self.account_id}/events"
        else:  # no token: the public events page
            return f"{parts.scheme}://{parts.netloc}/events" if parts.path in ("", "/") else url
        today = self.today()
        end = today + timedelta(days=self.option("window_days_ahead"))
        return with_query(
            api,
            replace=False,
            **{
                "$async": "false",
                "$top": self.option("page_size") or OPTIONS["page_size"].default,
                "$filter": f"StartDate ge {today.isoformat()} and StartDate le {end.isoformat()}",
            },
        )

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else super().headers()

    def token_url(self) -> str:
        return self.option("token_url")

    async def start(self):
        key = os.environ.get(self.source.token_env or "")
        if not (key and self.token_url()):
            async for request in super().start():
                yield request
            return
        yield self.token_request(key)

    def token_request(self, key: str) -> scrapy.Request:
        """The POST that exchanges the account's API key for an access token."""
        basic = base64.b64encode(f"APIKEY:{key}".encode()).decode()
        self.sites.add(urlsplit(self.token_url()).netloc)
        return scrapy.Request(
            self.token_url(),
            method="POST",
            callback=self.got_token,
            errback=self.fetch_failed,
            body=urlencode({"grant_type": "client_credentials", "scope": "auto"}),
            headers={
                "Authorization": f"Basic {basic}",
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            meta={"start_url": True},
        )

    def got_token(self, response):
        """Read the token answer; then request every source's API URL with it."""
        try:
            answer = json.loads(response.text)
        except ValueError:
            answer = {}
        self.token = answer.get("access_token") if isinstance(answer, dict) else None
        if not self.token:
            self.crawler.stats.inc_value("eventhound/start_errors")
            self.crawler.stats.set_value("eventhound/last_error", f"{response.url}: no access_token in the answer")
            return
        permissions = answer.get("Permissions") or [{}]
        account = permissions[0].get("AccountId") if isinstance(permissions[0], dict) else None
        self.account_id = str(account) if account else None
        for url in self.start_urls:
            api = self.api_url(url)
            self.sites.add(urlsplit(api).netloc)
            yield scrapy.Request(
                api, callback=self.parse, errback=self.fetch_failed, meta={"start_url": True}, headers=self.headers()
            )
