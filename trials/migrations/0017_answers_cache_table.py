from django.db import migrations

# The table of Django's database cache backend (as `manage.py createcachetable` makes it), for the
# "answers" cache when there is no CACHE_URL (settings: CACHES). UNLOGGED: it is a cache, so it need
# not survive a crash, and its writes skip the write-ahead log.
TABLE = """
CREATE UNLOGGED TABLE IF NOT EXISTS trialsearch_cache (
    cache_key varchar(255) NOT NULL PRIMARY KEY,
    value text NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS trialsearch_cache_expires ON trialsearch_cache (expires);
"""


class Migration(migrations.Migration):
    """The answers cache's table, shared by every worker when there is no Redis."""

    dependencies = [("trials", "0016_trial_rule_hashes")]

    operations = [migrations.RunSQL(TABLE, "DROP TABLE IF EXISTS trialsearch_cache")]
