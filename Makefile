# SiteRoll 工地实名通 — everyday commands. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
# tf-keras declares full `tensorflow` as its dependency; we run tensorflow-cpu, so it goes in with --no-deps.
TF_KERAS := tf-keras==2.21.0
STAMP  := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3

.PHONY: install demo serve test test-mariadb lint format openapi services services-stop worker clean vendor-echarts

install: $(STAMP)
	@$(BIN)/python -m services.faces.weights

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps $(TF_KERAS)
	@touch $(STAMP)

# The demo switch: fake WeChat logins, generated keys and demo data. Never set it on a server.
demo: export SITEROLL_DEMO := 1
demo: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "SiteRoll API on http://127.0.0.1:5000  (docs: http://127.0.0.1:5000/docs/)"
	SITEROLL_FACE_WARM_UP=1 $(FLASK) run --host 127.0.0.1 --port 5000

serve:
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on MariaDB + Redis + a real RQ worker (servers started by devtools/services.sh).
test-mariadb: install
	eval "$$(devtools/services.sh start)" && $(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .

format:
	$(BIN)/ruff check --fix .

openapi:
	SITEROLL_DEMO=1 $(FLASK) openapi export

services:
	@devtools/services.sh start

services-stop:
	@devtools/services.sh stop

worker:
	$(BIN)/rq worker -w workers.worker.SiteRollWorker --with-scheduler -u "$$SITEROLL_REDIS_URL" face default

# Apache ECharts for the dashboard pages, served by the app (no CDN): the minified dist file is
# committed under static/vendor/; this target refreshes it from npm.
ECHARTS_VERSION ?= 5.6.0
vendor-echarts:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null \
	  && tar -xzf echarts-$(ECHARTS_VERSION).tgz package/dist/echarts.min.js package/LICENSE \
	  && cp package/dist/echarts.min.js $(CURDIR)/static/vendor/echarts.min.js \
	  && cp package/LICENSE $(CURDIR)/static/vendor/echarts.LICENSE && rm -rf $$tmp
	@echo "static/vendor/echarts.min.js is ECharts $(ECHARTS_VERSION)"

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
