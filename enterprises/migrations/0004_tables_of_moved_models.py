"""Models move out of this app (docs/architecture.md, the floors): their tables take the new app's
names here, with their many-to-many and history tables; the new app takes them over in its state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0003_history'),
    ]

    operations = [
        migrations.AlterModelTable(name='cloudadoption', table='cloud_cloudadoption'),
        migrations.AlterModelTable(name='platform', table='cloud_platform'),
        migrations.AlterModelTable(name='platformusage', table='cloud_platformusage'),
        migrations.AlterModelTable(name='historicalcloudadoption', table='cloud_historicalcloudadoption'),
        migrations.AlterModelTable(name='historicalplatform', table='cloud_historicalplatform'),
        migrations.AlterModelTable(name='historicalplatformusage', table='cloud_historicalplatformusage'),
    ]
