# make run  — set up .venv, migrate, load reference and demo data, serve on http://127.0.0.1:8000
#             (another port: make run PORT=8001)
# make serve — the production shape on one machine: migrate, collectstatic, gunicorn, a Celery worker
#              and beat, from DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS (scripts/serve)
# make test — install test dependencies and run the whole suite (PostgreSQL/Redis when
#             DATABASE_URL/REDIS_URL are set; SQLite and inline Celery otherwise)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run serve test install lint messages screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py load_demo_data --site http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: $(STAMP)
	scripts/serve

test: export SECRET_KEY ?= insecure-key-for-tests-only
test: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: $(STAMP)
	for app in core parks enterprises cloud assessments plan; do (cd $$app && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete && ../$(BIN)/django-admin compilemessages); done
	scripts/page_messages.sh

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP)
	$(BIN)/python bench/stats.py

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles var
