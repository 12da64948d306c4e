"""Where an event is: three pipelines, one job each (eventhound.places does the work).

1. AddressPipeline (before the dates) splits a free-text location. Extractors often put a
   whole location string in one field: `venue_name` (iCalendar LOCATION, css) or `street`
   (a schema.org address given as text). When the item has no `city`, that string is split
   with ``places.parse_address``: the venue part replaces `venue_name`, the street part
   `street`; city, postal code fill empty fields; a region read from the text replaces the
   item's (which may only be the source's default region); a country read from the text (or
   implied by a US state / Canadian province) fills an empty `country` or replaces the
   source default when the region says otherwise.
2. PlaceZonePipeline (before the dates) gives an event without a zone of its own the zone of
   its city: when the item's `timezone` is missing or "UTC" (no source zone: `eventhound
   extract` without --tz or --source; or a source whose zone is UTC) and it is not
   online-only, its city is looked up and the city's IANA zone becomes the event's zone, so
   the dates step reads times published without an offset as local times of that city
   (times with an offset keep their instant).
3. GeocodePipeline: unless the event is online-only (`attendance` "online", a schema.org
   OnlineEventAttendanceMode, or a location that is only "Online", "Zoom", a URL ...), its
   city is looked up in the bundled GeoNames gazetteer by city + region + country, and
   `latitude`/`longitude` are filled with the CITY's coordinates only when the event gives
   none (an approximation: the venue is somewhere in that city).

Stats: `eventhound/locate/split`, `geocoded`, `not_found`, `online`, `timezone`.
"""

from __future__ import annotations

from eventhound.places import gazetteer, is_online_text, parse_address
from pipelines.base import EventPipeline

_ONLINE_MODES = ("onlineeventattendancemode",)


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


def _city(gazetteer, item):
    """The gazetteer's city of the item, or None (no city named, or none known)."""
    name = item.get("city")
    if not isinstance(name, str) or not name.strip():
        return None
    region, country = item.get("region"), item.get("country")
    return gazetteer.lookup(
        name, region if isinstance(region, str) else None, country if isinstance(country, str) else None
    )


class AddressPipeline(EventPipeline):
    def process_item(self, item):
        if item.get("city"):
            return item
        for field in ("street", "venue_name"):
            text = item.get(field)
            if isinstance(text, str) and text.strip():
                break
        else:
            return item
        address = parse_address(text)
        if address.online or not (address.city or address.street):
            return item
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
        return item


class PlaceZonePipeline(EventPipeline):
    def process_item(self, item):
        if item.get("timezone") not in (None, "", "UTC") or _online_only(item):
            return item
        city = _city(gazetteer(), item)
        if city is not None and city.timezone and city.timezone != "UTC":
            self.stats.inc_value("eventhound/locate/timezone")
            item["timezone"] = city.timezone
        return item


class GeocodePipeline(EventPipeline):
    def __init__(self, now, stats):
        super().__init__(now, stats)
        self.gazetteer = gazetteer()  # opened once per process (see eventhound.places)

    def process_item(self, item):
        if _online_only(item):
            self.stats.inc_value("eventhound/locate/online")
            return item
        if not isinstance(item.get("city"), str) or not item["city"].strip():
            return item
        city = _city(self.gazetteer, item)
        if city is None:
            self.stats.inc_value("eventhound/locate/not_found")
            return item
        self.stats.inc_value("eventhound/locate/geocoded")
        if not _has_coordinates(item):
            item["latitude"], item["longitude"] = city.latitude, city.longitude
        return item
