#!/usr/bin/env bash
# Extract the pages' strings into locale/zh_Hans (templates/ and the page modules), then compile.
#
# Run from anywhere: scripts/page_messages.sh. Extraction runs in a scratch copy because Django's
# makemessages files an app's strings under that app's own locale/ directory; the pages keep theirs
# in the top-level locale/ (LOCALE_PATHS, which wins over the apps' catalogues). Existing
# translations are kept (makemessages merges); fill the new msgstr and run it again to compile.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PAGE_MODULES="enterprises/views.py enterprises/forms.py enterprises/urls.py enterprises/templatetags/roles.py
core/templatetags/site.py core/i18n.py core/forms.py core/charts.py core/errors.py
cloud/views.py cloud/review_views.py cloud/forms.py cloud/urls.py cloud/templatetags/cloud.py
assessments/views.py assessments/review_views.py assessments/round_views.py assessments/report.py assessments/forms.py
assessments/urls.py assessments/pdf.py assessments/levels.py assessments/templatetags/levels.py
plan/views/cohort.py plan/views/dashboards.py plan/views/home.py plan/views/open_statistics.py plan/views/review_queue.py
plan/forms.py plan/urls.py config/urls.py"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/locale/zh_Hans/LC_MESSAGES"
for f in $PAGE_MODULES; do
  if [ -f "$f" ]; then mkdir -p "$WORK/$(dirname "$f")" && cp "$f" "$WORK/$f"; fi
done
mkdir -p "$WORK/templates"
(cd templates && find . -name '*.html' \( -not -path './admin/*' -o -path './admin/enterprises/*' -o -path './admin/cloud/*' \) -exec cp --parents {} "$WORK/templates/" \;)
cp locale/zh_Hans/LC_MESSAGES/django.po "$WORK/locale/zh_Hans/LC_MESSAGES/" 2>/dev/null || true
(cd "$WORK" && "$ROOT/.venv/bin/django-admin" makemessages -l zh_Hans --no-obsolete >/dev/null)
mkdir -p locale/zh_Hans/LC_MESSAGES
cp "$WORK/locale/zh_Hans/LC_MESSAGES/django.po" locale/zh_Hans/LC_MESSAGES/django.po
msgfmt --check-format -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po
echo "locale/zh_Hans/LC_MESSAGES/django.po: $(grep -c '^msgid' locale/zh_Hans/LC_MESSAGES/django.po) messages"
