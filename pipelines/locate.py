"""LocatePipeline: split a free-text location into its parts, then place the city offline.

Two steps, one item pass (eventhound.places does the work):

1. Split. Extractors often put a whole location string in one field: `venue_name` (iCalendar
   LOCATION, css) or `street` (a schema.org address given as text). When the item has no
   `city`, that string is split with ``places.parse_address``: the venue part replaces
   `venue_name`, the street part `street`; city, postal code fill empty fields; a region
   read from the text replaces the item's (which may only be the source's default region);
   a country read from the text (or implied by a US state / Canadian province) fills an
   empty `country` or replaces the source default when the region says otherwise.
2. Geocode. Unless the event is online-only (`attendance` "online", a schema.org
   OnlineEventAttendanceMode, or a location that is only "Online", "Zoom", a URL ...),
   its city is looked up in the bundled GeoNames gazetteer by city + region + country.
   `latitude`/`longitude` are filled with the CITY's coordinates only when the event gives
   none (an approximation: the venue is somewhere in that city). When the item's
   `timezone` is missing or "UTC" (no source zone: `eventhound extract` without --tz or
   --source; or a source whose zone is UTC) the city's IANA zone becomes the event's zone
   and the dates are read again in it: times published without an offset become local
   times of that city; times with an offset keep their instant.

Stats: `eventhound/locate/split`, `geocoded`, `not_found`, `online`, `timezone`.
"""

from __future__ import annotations

from eventhound.places import gazetteer, is_online_text, parse_address
from pipelines.base import EventPipeline
from pipelines.dates import NormalizeDatesPipeline

_ONLINE_MODES = ("onlineeventattendancemode",)


class _NoStats:
    def inc_value(self, key, count=1, start=0):
        pass


def _has_coordinates(item) -> bool:
    lat, lon = item.get("latitude"), item.get("longitude")
    return lat not in (None, "") and lon not in (None, "")


def _online_only(item) -> bool:
    if item.get("attendance") == "online":
        return True
    mode = item.get("attendance_mode")
    if isinstance(mode, str) and mode.strip().rstrip("/").rsplit("/", 1)[-1].split(":")[-1].lower() in _ONLINE_MODES:
        return True
    place = [item.get(k) for k in ("venue_name", "street", "city")]
    texts = [p for p in place if isinstance(p, str) and p.strip()]
    return bool(texts) and all(is_online_text(t) for t in texts)


class LocatePipeline(EventPipeline):

    def __init__(self, now, stats):
        super().__init__(now, stats)
        self.gazetteer = gazetteer()  # opened once per process (see eventhound.places)
        self._dates = NormalizeDatesPipeline(now, _NoStats())

    def split(self, item) -> None:
        if item.get("city"):
            return
        for field in ("street", "venue_name"):
            text = item.get(field)
            if isinstance(text, str) and text.strip():
                break
        else:
            return
        address = parse_address(text)
        if address.online or not (address.city or address.street):
            return
        self.stats.inc_value("eventhound/locate/split")
        if field == "street":
            item["street"] = address.street
            if address.venue_name and not item.get("venue_name"):
                item["venue_name"] = address.venue_name
        else:
            item["venue_name"] = address.venue_name
            if address.street and not item.get("street"):
                item["street"] = address.street
        item["city"] = address.city
        if address.postal_code and not item.get("postal_code"):
            item["postal_code"] = address.postal_code
        if address.region:
            item["region"] = address.region
        if address.country and (not item.get("country") or address.region):
            item["country"] = address.country

    def process_item(self, item):
        self.split(item)
        if _online_only(item):
            self.stats.inc_value("eventhound/locate/online")
            return item
        city_name = item.get("city")
        if not isinstance(city_name, str) or not city_name.strip():
            return item
        region, country = item.get("region"), item.get("country")
        city = self.gazetteer.lookup(city_name, region if isinstance(region, str) else None,
                                     country if isinstance(country, str) else None)
        if city is None:
            self.stats.inc_value("eventhound/locate/not_found")
            return item
        self.stats.inc_value("eventhound/locate/geocoded")
        if not _has_coordinates(item):
            item["latitude"], item["longitude"] = city.latitude, city.longitude
        if item.get("timezone") in (None, "", "UTC") and city.timezone and city.timezone != "UTC":
            self.stats.inc_value("eventhound/locate/timezone")
            item["timezone"] = city.timezone
            if item.get("start_text") or item.get("end_text"):
                item = self._dates.process_item(item)
        return item
