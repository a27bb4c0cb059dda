"""Render every option summary again as short text (decisions.markdown.short).

Summaries were rendered as documents, whose raw HTML the sanitizer drops: `Box<dyn Trait>`
was stored as "Box". Only the rows whose HTML changes are written. The search index keeps the
old words of those rows until `manage.py rebuild_search_index`.
"""

from django.db import migrations

from decisions.markdown.short import render_summary


def render_summaries(apps, schema_editor):
    Option = apps.get_model("decisions", "Option")
    changed = []
    for option in Option.objects.only("pk", "summary", "summary_html").iterator(chunk_size=500):
        html = render_summary(option.summary)
        if html != option.summary_html:
            option.summary_html = html
            changed.append(option)
    Option.objects.bulk_update(changed, ["summary_html"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0010_meeting_corrections")]

    # Backwards there is nothing to undo: the old HTML had lost words, and any HTML is rebuilt
    # by `manage.py render_markdown`.
    operations = [migrations.RunPython(render_summaries, migrations.RunPython.noop)]
