"""meetup: a Meetup group's events, through the GraphQL API when the source has its own token, else its events page.

A source URL names the group (`https://www.meetup.com/<group>/`, its events page, or its
ICS feed, which the `ical` spider reads otherwise). With `token_env` set (the user's own
Meetup token), the spider POSTs one small GraphQL query to `https://api.meetup.com/gql-ext`
(the group's ACTIVE and CANCELLED events from today through `window_days_ahead`, `page_size`
a page) and follows `pageInfo.endCursor`: the request's URL carries the group and cursor
(`...gql-ext?urlname=<group>&after=<cursor>`, as the extractor names the next page), and
`graphql` turns such a URL into the POST. Without a token it reads the public events page
`https://www.meetup.com/<group>/events/` (no login, no cookies). A URL on api.meetup.com
(the retired REST API) is fetched as given. Meetup sources stay disabled by default
(Meetup's terms): enable one only with your own token.

Options (`[sources.KEY.meetup]`): `window_days_ahead` (365), `page_size` (50).
"""

import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from eventhound.extractors.meetup import OPTIONS
from eventhound.extractors.platform import with_query
from eventhound.spider import PlatformSpider

GRAPHQL = "https://api.meetup.com/gql-ext"
GRAPHQL_PATHS = ("/gql", "/gql-ext")
QUERY = """query($urlname: String!, $first: Int, $after: String, $from: DateTime, $to: DateTime) {
  groupByUrlname(urlname: $urlname) {
    events(first: $first, after: $after,
           filter: {status: [ACTIVE, CANCELLED], afterDateTime: $from, beforeDateTime: $to}) {
      pageInfo { hasNextPage endCursor }
      edges { node {
        id title eventUrl description dateTime endTime duration status eventType
        series { id }
        venues { name address city state postalCode country lat lon venueType }
        group { name urlname timezone }
        feeSettings { amount currency }
        topics { edges { node { name } } }
      } }
    }
  }
}"""


def is_graphql(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith(GRAPHQL_PATHS)


class MeetupSpider(PlatformSpider):
    name = "meetup"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if is_graphql(url) or parts.netloc == "api.meetup.com":
            return url
        group = next((segment for segment in parts.path.split("/") if segment), None)
        if not group:
            return url
        if self.headers():
            return with_query(GRAPHQL, urlname=group)
        return f"{parts.scheme}://{parts.netloc}/{group}/events/"

    async def start(self):
        async for request in super().start():
            yield self.graphql(request)

    def follow(self, url: str, callback, **kwargs):
        request = super().follow(url, callback, **kwargs)
        return self.graphql(request) if request is not None else None

    def parse(self, response):
        # A GraphQL answer is read as the URL naming its group and cursor, so that the
        # extractor's next page carries them on.
        named = response.meta.get("meetup_url")
        return super().parse(response.replace(url=named) if named else response)

    def graphql(self, request):
        """A request for a GraphQL URL (`...gql-ext?urlname=G&after=C`) as Meetup's POST; others unchanged."""
        if not is_graphql(request.url):
            return request
        parts = urlsplit(request.url)
        params = dict(parse_qsl(parts.query))
        today = self.today()
        ahead = today + timedelta(days=self.option("window_days_ahead"))
        variables = {
            "urlname": params.get("urlname"),
            "first": self.option("page_size") or OPTIONS["page_size"].default,
            "from": f"{today.isoformat()}T00:00:00Z",
            "to": f"{ahead.isoformat()}T23:59:59Z",
        }
        if params.get("after"):
            variables["after"] = params["after"]
        post = request.replace(
            url=urlunsplit(parts._replace(query="")),
            method="POST",
            body=json.dumps({"query": QUERY, "variables": variables}),
            meta={**request.meta, "meetup_url": request.url},
        )
        post.headers["Content-Type"] = "application/json"
        return post
