"""Read the ISRCTN registry's XML API and map its trials onto trial fields.

`reading` parses untrusted XML safely (no DTDs, no entities, no external references) into one
frozen `IsrctnTrial` per `<fullTrial>`; `mapping` turns one into trial fields (`MappedIsrctnTrial`),
with no database access; `paging` walks the search API (which has no paging of its own) through
windows of the last-edited date.
"""
