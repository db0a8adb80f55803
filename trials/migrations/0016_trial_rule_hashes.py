import django.contrib.postgres.fields
from django.db import migrations, models

# IMMUTABLE: a stored generated column may only call immutable functions. hashtextextended() is
# PostgreSQL's own text hash, which does not change between releases (hash partitioning relies on it).
HASHES = """
CREATE OR REPLACE FUNCTION trials_rule_key_hashes(keys text[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ARRAY(SELECT hashtextextended(key, 0) FROM unnest(keys) AS key);
"""


class Migration(migrations.Migration):
    """`Trial.rule_hashes`: the rule keys as numbers, for the eligibility ranking's array tests."""

    dependencies = [("trials", "0015_drug_classes_cohorts")]

    operations = [
        migrations.RunSQL(HASHES, "DROP FUNCTION IF EXISTS trials_rule_key_hashes(text[])"),
        migrations.RemoveIndex(model_name="trial", name="trial_eligibility_idx"),
        migrations.AddField(
            model_name="trial",
            name="rule_hashes",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(models.F("rule_keys"), function="trials_rule_key_hashes"),
                output_field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), size=None),
            ),
        ),
        migrations.AddIndex(
            model_name="trial",
            index=models.Index(
                condition=models.Q(("published", True)),
                fields=["status"],
                include=(
                    "id",
                    "title",
                    "slug",
                    "min_age",
                    "max_age",
                    "sexes",
                    "grades",
                    "tumour_type_keys",
                    "rule_keys",
                    "rule_hashes",
                    "unchecked_criteria",
                    "site_hospital_ids",
                    "any_net",
                ),
                name="trial_eligibility_idx",
            ),
        ),
    ]
