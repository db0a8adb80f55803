"""Create the Specialists group: its members reach /specialist/ and /api/v1/patients/."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Specialists")


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Specialists").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("patients", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
