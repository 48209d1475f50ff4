"""Models move out of this app (docs/architecture.md, the floors): their tables take the new app's
names here, with their many-to-many and history tables; the new app takes them over in its state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('parks', '0003_assessment_rounds'),
    ]

    operations = [
        migrations.AlterModelTable(name='goal', table='plan_goal'),
        migrations.AlterModelTable(name='goalsnapshot', table='plan_goalsnapshot'),
        migrations.AlterModelTable(name='statssnapshot', table='plan_statssnapshot'),
        migrations.AlterModelTable(name='export', table='plan_export'),
        migrations.AlterModelTable(name='outboxmessage', table='core_outboxmessage'),
        migrations.AlterModelTable(name='assessmentround', table='assessments_assessmentround'),
        migrations.AlterModelTable(name='roundreminder', table='assessments_roundreminder'),
    ]
