"""Column types that reproduce the DDL One API's GORM models produce on each database.

Matching GORM's types lets an existing One API database be adopted in place. GORM maps a Go
string to ``longtext`` on MySQL unless the column is indexed or has a default, in which case it
uses ``varchar(191)`` (the utf8mb4 key-length limit); on PostgreSQL and SQLite it is ``text``.
"""

from sqlalchemy import BigInteger, Float, Integer, Numeric, String, Text
from sqlalchemy.dialects import mysql

# A Go `int` primary key: bigint on MySQL/PostgreSQL; SQLite only auto-increments INTEGER keys.
Id = BigInteger().with_variant(Integer(), "sqlite")

# A Go string that carries an index, a unique key or a default.
IndexedText = Text().with_variant(String(191), "mysql", "mariadb")

# A Go string with no index: longtext on MySQL (GORM's choice), text elsewhere.
LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")

# A Go float64: GORM asks PostgreSQL for a bare decimal, MySQL for double.
Float64 = Float(precision=53).with_variant(Numeric(asdecimal=False), "postgresql").with_variant(
    mysql.DOUBLE(asdecimal=False), "mysql", "mariadb")
