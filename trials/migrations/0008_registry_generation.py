from django.db import migrations


class Migration(migrations.Migration):
    """The search cache's generation number: a sequence every process and app server reads."""

    dependencies = [("trials", "0007_rank_vector_inline")]

    operations = [
        migrations.RunSQL(
            # Called once, so that last_value (what readers see) moves with every nextval().
            "CREATE SEQUENCE IF NOT EXISTS trials_registry_generation; SELECT nextval('trials_registry_generation');",
            "DROP SEQUENCE IF EXISTS trials_registry_generation",
        ),
    ]
