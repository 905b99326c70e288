# Qiaomen: `make run` serves the demo, `make test` runs the whole suite (`make test-quick`: without the slow tiers).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
FLASK  := $(BIN)/flask --app wsgi
# `make run` serves the demo (gunicorn, and beside it the worker that runs exports and labels): development mode,
# asked for here (an unset QIAOMEN_ENV is production), with the development WeChat login on (every page says so).
# Keys are made once in instance/ (see the README).
DEMO_ENV := QIAOMEN_ENV=development WECHAT_DEV_LOGIN=1

.PHONY: run test test-quick install install-dev assets fonts test-tools migrate bench-import bench-labels standin clean

# Debian packages: a CJK TrueType font for the PDF labels; Chromium and poppler for the tests.
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

run: install assets fonts
	$(DEMO_ENV) $(FLASK) db upgrade
	@$(DEMO_ENV) $(FLASK) seed-demo --if-empty
	@echo ""
	@echo "敲门 Qiaomen 已启动：http://127.0.0.1:$(PORT)/"
	@echo "  工作人员登录：http://127.0.0.1:$(PORT)/login"
	@echo "  演示账号：社区负责人 head1 … head5，街道 street1，区 district；密码均为 qiaomen2026"
	@echo "  网格员邀请码在首次生成演示数据时打印（QIAOMEN_ENV=development .venv/bin/flask --app wsgi create-user 可再建账号）"
	@echo "  后台任务（导出台账、门贴）由同时启动的 worker 运行（flask jobs worker），随 make run 一起退出"
	@echo ""
	trap 'kill 0' EXIT; $(DEMO_ENV) $(FLASK) jobs worker & $(DEMO_ENV) $(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

# The whole suite, on every core; `make test-quick` leaves out the slow tiers (pytest markers, see pytest.ini).
PYTEST := $(BIN)/python -m pytest -n auto --dist loadgroup
QUICK  := not browser and not fuzz and not concurrency and not migrations and not postgresql

test: install-dev assets fonts test-tools
	$(PYTEST)

test-quick: install-dev assets fonts
	$(PYTEST) -m "$(QUICK)"

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

# Door labels embed a CJK TrueType font (LABEL_FONT, or one found on the system).
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && $(APT_INSTALL) fonts-wqy-zenhei; \
	  elif [ -z "$$LABEL_FONT" ]; then echo "Door labels need a CJK font: sudo apt-get install fonts-wqy-zenhei (or set LABEL_FONT)" >&2; exit 1; fi; }

# Browser tests drive Debian's Chromium (Playwright never downloads a browser of its own);
# label tests render PDFs with poppler's pdftoppm.
test-tools:
	@test -x /usr/bin/chromium -a -x /usr/bin/pdftoppm || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && $(APT_INSTALL) chromium poppler-utils; \
	  else echo "The tests need: sudo apt-get install chromium poppler-utils" >&2; exit 1; fi; }

migrate: install assets fonts
	$(DEMO_ENV) $(FLASK) db upgrade

bench-import: install-dev assets fonts
	$(BIN)/python scripts/bench_import.py

bench-labels: install-dev assets fonts
	$(BIN)/python scripts/bench_labels.py

# A local stand-in for WeChat's server API on 127.0.0.1:9100 (see scripts/wechat_standin.py).
standin: install
	$(BIN)/python scripts/wechat_standin.py --port 9100

clean:
	rm -rf $(VENV) node_modules .pytest_cache
