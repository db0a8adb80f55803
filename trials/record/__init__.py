"""The trial record (docs/trial-record.md), the one JSON shape of a trial: seed file, exports, imports, API.

`data` holds the typed values (`TrialData` and its parts; no database access), `parsing` turns
untrusted JSON into them or raises `RecordInvalid` naming every bad field, and `writing` reads a
saved trial into `TrialData` and writes `TrialData` back as the JSON record. Parsing and writing
are inverse, so an export imported again gives the same record.
"""
