from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_network_shares_to_privacy"),
    ]

    operations = [migrations.DeleteModel(name="NetworkShare")]
