# wenming — the two commands of the README:
#   make demo    install what is missing, build, serve the demo on http://127.0.0.1:8080
#   make check   install what is missing, build (also with ASan+UBSan), run every test
# Other targets: build, asan, test, browser-deps, bench, clean, deb.

BUILD  ?= build
ASAN   ?= build-asan
LISTEN ?= 127.0.0.1:8080

.PHONY: all build asan demo check test browser-deps bench clean

all: build

$(BUILD)/build.ninja:
	./scripts/deps.sh build
	meson setup $(BUILD) --buildtype=debugoptimized

$(ASAN)/build.ninja:
	./scripts/deps.sh build
	meson setup $(ASAN) -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

asan: $(ASAN)/build.ninja
	ninja -C $(ASAN)

demo:
	./scripts/deps.sh build
	$(MAKE) build
	./$(BUILD)/src/cli/wenming serve --demo --listen $(LISTEN)

browser-deps:
	cd tests/browser && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund; }

check:
	./scripts/deps.sh check
	$(MAKE) build asan browser-deps
	./scripts/run-tests.sh $(BUILD) $(ASAN)

test: build
	./scripts/run-tests.sh $(BUILD)

bench:
	./scripts/deps.sh bench
	$(MAKE) build
	./bench/http_read.sh
	./bench/framework_import.sh
	./bench/upload.sh
	./bench/export.sh
	./bench/eval_engine.sh
	./bench/dashboard.sh
	./bench/round.sh
	./bench/search.sh
	@# issue 13, crash: mixed reads and writes at 256 connections, zero errors, flat RSS
	./bench/load.sh

clean:
	rm -rf $(BUILD) $(ASAN)

# issue 13, deb: the Debian package, built in a scratch copy of the tree, into dist/ and
# checked with lintian (scripts/deb.sh)
.PHONY: deb
deb:
	./scripts/deps.sh deb
	./scripts/deb.sh
