# Qiaomen: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test install install-dev assets chromium migrate bench-import clean

run: install assets migrate
	@$(FLASK) seed-demo --if-empty
	@echo ""
	@echo "敲门 Qiaomen 已启动：http://127.0.0.1:$(PORT)/"
	@echo "  工作人员登录：http://127.0.0.1:$(PORT)/login"
	@echo "  演示账号：社区负责人 head1 … head5，街道 street1，区 district；密码均为 qiaomen2026"
	@echo "  网格员邀请码在首次生成演示数据时打印（flask --app wsgi create-user 可再建账号）"
	@echo ""
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: install-dev assets chromium
	$(BIN)/python -m pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
assets: node_modules/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

migrate: install
	$(FLASK) db upgrade

bench-import: install-dev
	$(BIN)/python scripts/bench_import.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache
