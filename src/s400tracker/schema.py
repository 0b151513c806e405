"""The data model: every table, its columns, types, vocabularies and keys.

One spec drives both the CSV validation and the DuckDB DDL, so a vocabulary or a key can
never be checked in one place and forgotten in the other.
"""

from dataclasses import dataclass

# The system this tracker is about: the system filter's default, and SIPRI's S-400 under any name.
S400_SYSTEM_ID = "s400"
CONFIDENCE = ("confirmed", "reported", "unconfirmed")
PRECISION = ("day", "month", "year")
# approved: the buyer's government approved the purchase (e.g. India's Acceptance of Necessity),
# no contract yet: nothing is owed, so no money is added.
DEAL_STATUS = ("interest", "negotiating", "approved", "signed", "delivering", "delivered", "cancelled")
CONTRACTED = ("signed", "delivering", "delivered")  # deals whose value is actually owed
OPERATOR_STATUS = ("operator", "on order", "negotiating", "interest", "declined")
# How a deal record relates to its parent (parent_deal_id): a contract is a purchase; a framework
# (an intergovernmental agreement) is carried out by the contracts under it; an option or an
# amendment changes its parent contract. Totals count each purchase once (derive.deal_counting).
DEAL_RELATION = ("contract", "framework", "option", "amendment")
UNIT = ("regiment", "regiment_set", "battalion", "division", "battery", "squadron",
        "fire_unit", "launcher", "missile", "system", "batch", "component")
QUALIFIER = ("exact", "more_than", "about", "estimate", "up_to")
DELIVERY_BASIS = ("batch", "cumulative")
PAYMENT_KIND = ("advance", "instalment", "state_loan", "final_payment", "other")
EVENT_TYPE = ("sanctions", "programme_suspension", "statement", "test", "combat_claim",
              "diplomatic", "deployment", "service_entry", "interest", "negotiation",
              "delivery_schedule", "industry", "other")
ORG_ROLE = ("manufacturer", "exporter", "regulator", "procurement_agency",
            "ministry_of_defence", "armed_forces", "government", "other")
# Who buys and who sells: an ISO state (the countries table), or a party SIPRI names that is not
# one (the parties table): a state that no longer exists, a non-state actor (SIPRI marks it '*'),
# an organisation ('**') or an unknown supplier or recipient.
PARTY_KIND = ("state", "historical state", "non-state actor", "organisation", "unknown")
RECORD_TYPE = ("deal", "delivery", "payment", "event", "organization", "system")
CURRENCY = ("USD", "EUR", "RUB", "INR", "CHF", "CNY")

IMPORT_FORMAT = ("sipri", "native", "claim")
ORIGIN = ("curated", "imported")

# Record types that must each have at least one citation.
SOURCED_RECORD_TYPES = ("deal", "delivery", "payment", "event")


@dataclass(frozen=True)
class Column:
    """One CSV column. kind: text, number, integer, date (partial ISO), bool, codes (';' list)."""

    name: str
    kind: str = "text"
    required: bool = False
    vocab: tuple[str, ...] | None = None
    ref: tuple[str, str] | None = None
    max_length: int = 4000
    # Added after files in the format were published: a file may leave it out (absent = empty),
    # so a user's older table CSVs still import.
    may_be_absent: bool = False


@dataclass(frozen=True)
class Table:
    """One table: its CSV file is ``<name>.csv``; ``key`` is the primary key column."""

    name: str
    key: str | tuple[str, ...]
    columns: tuple[Column, ...]
    sourced_as: str | None = None  # the citations.record_type naming this table's records
    doc: str = ""

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The primary key as a tuple of column names."""
        return (self.key,) if isinstance(self.key, str) else self.key

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def _id(name: str) -> Column:
    return Column(name, required=True, max_length=80)


def _country(name: str, required: bool = True) -> Column:
    return Column(name, required=required, ref=("countries", "iso3"), max_length=3)


def _party(name: str) -> Column:
    # A code of the parties table, or a country's ISO3 (then it must equal the *_iso3 column).
    return Column(name, max_length=80, may_be_absent=True)


def _org(name: str) -> Column:
    return Column(name, ref=("organizations", "org_id"), max_length=80)


def _confidence() -> Column:
    return Column("confidence", required=True, vocab=CONFIDENCE)


TABLES: tuple[Table, ...] = (
    Table("countries", "iso3", (
        Column("iso3", required=True, max_length=3), Column("name", required=True),
        Column("region"), Column("subregion"),
        Column("label_lat", "number"), Column("label_lon", "number"),
    ), doc="ISO 3166-1 alpha-3 countries with a representative point for the map"),
    Table("organizations", "org_id", (
        _id("org_id"), Column("name", required=True), _country("country_iso3", required=False),
        Column("role", required=True, vocab=ORG_ROLE), Column("description"),
    ), sourced_as="organization", doc="manufacturers, exporters, regulators and buyers' bodies"),
    Table("parties", "party_code", (
        _id("party_code"), Column("name", required=True), Column("kind", required=True, vocab=PARTY_KIND),
        _country("place_iso3", required=False), Column("aliases"),
        Column("source_id", required=True, ref=("sources", "source_id")), Column("note"),
    ), doc="buyers and suppliers that are not ISO states; place_iso3 is where the map draws them "
           "(none: listed beside it); aliases are other spellings, separated by ';'"),
    Table("systems", "system_id", (
        _id("system_id"), Column("name", required=True), Column("nato_name"),
        _org("manufacturer_org_id"), Column("description"),
        Column("armament_category", may_be_absent=True),  # SIPRI's, e.g. 'Air defence systems'
    ), sourced_as="system", doc="weapon systems"),
    Table("sources", "source_id", (
        _id("source_id"), Column("url", max_length=2000), Column("title", required=True),
        Column("publisher"), Column("published_date", "date"),
        Column("accessed_date", "date", required=True), Column("note"),
    ), doc="every public source a figure is traced to"),
    Table("deals", "deal_id", (
        # A state buyer is its ISO3; any other party its code (validate checks one is given).
        _id("deal_id"), _country("buyer_iso3", required=False), _country("supplier_iso3", required=False),
        Column("system_id", required=True, ref=("systems", "system_id")),
        _org("seller_org_id"), _org("buyer_org_id"),
        Column("status", required=True, vocab=DEAL_STATUS),
        Column("announced_date", "date"), Column("signed_date", "date"),
        Column("quantity", "number"), Column("unit", vocab=UNIT), Column("quantity_note"),
        Column("value_amount", "number"), Column("value_currency", vocab=CURRENCY),
        Column("value_qualifier", vocab=QUALIFIER), Column("financing"),
        _confidence(), Column("title", required=True), Column("notes"),
        Column("parent_deal_id", ref=("deals", "deal_id"), max_length=80, may_be_absent=True),
        Column("relation", vocab=DEAL_RELATION, may_be_absent=True),  # empty: a contract
        _party("buyer_code"), _party("supplier_code"),
        # The system this deal's weapons are part of (the S-400's own missiles and radars, which
        # SIPRI lists as deals of their own): the system filter can include them (filters.PARTS).
        Column("for_system_id", ref=("systems", "system_id"), max_length=80, may_be_absent=True),
    ), sourced_as="deal", doc="procurements from first interest to final delivery"),
    Table("deliveries", "delivery_id", (
        _id("delivery_id"), Column("deal_id", required=True, ref=("deals", "deal_id")),
        Column("date", "date", required=True), Column("date_note"),
        Column("quantity", "number"), Column("unit", vocab=UNIT),
        Column("quantity_qualifier", vocab=QUALIFIER), Column("quantity_note"),
        Column("basis", required=True, vocab=DELIVERY_BASIS),
        Column("planned", "bool", required=True), _confidence(), Column("description"),
    ), sourced_as="delivery", doc="delivery batches, planned or actual"),
    Table("payments", "payment_id", (
        _id("payment_id"), Column("deal_id", required=True, ref=("deals", "deal_id")),
        _org("payer_org_id"), _org("payee_org_id"),
        Column("date", "date", required=True), Column("date_note"),
        Column("amount", "number"), Column("currency", vocab=CURRENCY),
        Column("amount_qualifier", vocab=QUALIFIER),
        Column("kind", required=True, vocab=PAYMENT_KIND), _confidence(), Column("description"),
    ), sourced_as="payment", doc="money flows: advances, instalments, state loans"),
    Table("events", "event_id", (
        _id("event_id"), Column("date", "date", required=True), Column("date_note"),
        Column("countries", "codes", ref=("countries", "iso3")),
        Column("type", required=True, vocab=EVENT_TYPE), Column("title", required=True),
        Column("description"), _confidence(), Column("deal_id", ref=("deals", "deal_id")),
    ), sourced_as="event", doc="sanctions, suspensions, statements, tests, deployments"),
    Table("citations", "citation_id", (
        _id("citation_id"), Column("record_type", required=True, vocab=RECORD_TYPE),
        Column("record_id", required=True, max_length=80),
        Column("source_id", required=True, ref=("sources", "source_id")),
        Column("field", max_length=80), Column("claimed_value"),
        Column("preferred", "bool"), Column("preference_reason"),
        Column("fact_row", "integer"), Column("note"),
    ), doc="links records to sources; competing claims per field, one preferred"),
    Table("tiv", "deal_id", (
        Column("deal_id", required=True, ref=("deals", "deal_id"), max_length=80),
        Column("tiv_per_unit", "number"), Column("tiv_total_order", "number"),
        Column("tiv_delivered", "number"),
        Column("source_id", required=True, ref=("sources", "source_id")),
    ), doc="SIPRI trend-indicator values: a volume index, never money"),
    Table("fx_rates", ("currency", "year"), (
        Column("currency", required=True, vocab=CURRENCY),
        Column("year", "integer", required=True),
        Column("units_per_usd", "number", required=True), Column("method", required=True),
        Column("source_id", required=True, ref=("sources", "source_id")),
    ), doc="annual average exchange rates, currency units per USD"),
    Table("research_passes", "pass_id", (
        _id("pass_id"), Column("checked_to", "date", required=True), Column("scope", required=True),
        Column("note"),
    ), doc="each pass over the sources: the data's 'as of' is the latest checked_to"),
    Table("price_index", ("series", "year"), (
        Column("series", required=True, vocab=("CPI-U",)),
        Column("year", "integer", required=True),
        Column("value", "number", required=True), Column("method", required=True),
        Column("source_id", required=True, ref=("sources", "source_id")),
    ), doc="US CPI-U annual average (1982-84=100) for constant dollars"),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}

# Tables whose rows may come from an import: each row records its origin and import.
ORIGIN_TABLES = ("parties", "organizations", "systems", "sources", "deals", "deliveries", "payments", "events",
                 "citations", "tiv")
