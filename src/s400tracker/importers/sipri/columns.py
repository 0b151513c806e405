"""The column names of SIPRI's two CSV layouts, as their header rows spell them.

The classic trade register (16 columns) has one row per deal; the database layout SIPRI's site
exports today (17 columns) has one row per deal per delivery year, keyed by its deal id.
"""

CLASSIC, DATABASE = "trade register", "database"

# The classic trade register.
RECIPIENT, SUPPLIER, ORDER_YEAR = "Recipient", "Supplier", "Year of order"
ORDERED, DESIGNATION, DESCRIPTION = "Number ordered", "Weapon designation", "Weapon description"
DELIVERED, DELIVERY_YEARS, STATUS = "Number delivered", "Year(s) of delivery", "status"
COMMENTS = "Comments"
TIV_UNIT, TIV_ORDER = "SIPRI TIV per unit", "SIPRI TIV for total order"
TIV_DELIVERED = "SIPRI TIV of delivered weapons"
NAMED_COLUMNS = (RECIPIENT, SUPPLIER, ORDER_YEAR, ORDERED, DESIGNATION, DESCRIPTION,
                 DELIVERED, DELIVERY_YEARS, STATUS, COMMENTS, TIV_UNIT, TIV_ORDER, TIV_DELIVERED)
# Columns followed by an unnamed column (a single space) holding "?" when the value is uncertain.
UNCERTAIN_AFTER = (ORDER_YEAR, ORDERED, DELIVERED)

# The database layout: Yes/No "is estimate" columns instead of "?", no Comments, no number ordered.
DEAL_KEY, DB_DESIGNATION, DB_DESCRIPTION = "SIPRI AT Database ID", "Designation", "Description"
CATEGORY, ORDER_DATE, ORDER_DATE_EST = "Armament category", "Order date", "Order date is estimate"
NUMBERS, NUMBERS_EST = "Numbers delivered", "Numbers delivered is estimate"
DELIVERY_YEAR, DELIVERY_YEAR_EST, DB_STATUS = "Delivery year", "Delivery year is estimate", "Status"
SIPRI_ESTIMATE, TIV_DEAL_UNIT, TIV_DELIVERY = "SIPRI estimate", "TIV deal unit", "TIV delivery values"
LOCAL_PRODUCTION = "Local production"
DATABASE_COLUMNS = (DEAL_KEY, SUPPLIER, RECIPIENT, DB_DESIGNATION, DB_DESCRIPTION, CATEGORY, ORDER_DATE,
                    ORDER_DATE_EST, NUMBERS, NUMBERS_EST, DELIVERY_YEAR, DELIVERY_YEAR_EST, DB_STATUS,
                    SIPRI_ESTIMATE, TIV_DEAL_UNIT, TIV_DELIVERY, LOCAL_PRODUCTION)

# The columns that identify each layout's header row, whatever the notes above it say.
MARKERS = {CLASSIC: (RECIPIENT, SUPPLIER, ORDER_YEAR, DESIGNATION),
           DATABASE: (DEAL_KEY, SUPPLIER, RECIPIENT, DB_DESIGNATION)}
REQUIRED = {CLASSIC: NAMED_COLUMNS, DATABASE: DATABASE_COLUMNS}
