# Rapport — the two commands a user needs:
#   make run    install what is missing, build, and serve the dashboard with a demo store on localhost
#   make test   install what is missing, build both targets, and run every test (native, wasm in Node,
#               CLI end to end, headless Chromium)
# Others: make build | native | wasm | web | demo | bench | clean
SHELL := /bin/bash
BUILD      ?= build
WASM_BUILD ?= build-wasm
PORT       ?= 8765
JOBS       ?= $(shell nproc)
SHARED     ?= $(abspath ../shared/data)
export NODE_PATH := /usr/share/nodejs

.PHONY: run test build deps deps-native native wasm web demo bench clean test-native test-wasm test-browser serve
.PHONY: test-sanitize test-fuzz

build: deps native wasm web

deps:
	@scripts/deps.sh all

deps-native:
	@scripts/deps.sh native

native: deps-native
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAPPORT_SHARED_DATA=$(SHARED) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

wasm:
	@scripts/deps.sh wasm
	@if [ ! -f $(WASM_BUILD)/build.ninja ]; then \
	  emcmake cmake -S . -B $(WASM_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	    -DRAPPORT_SHARED_DATA=$(SHARED) -DCMAKE_CROSSCOMPILING_EMULATOR="/usr/bin/node;--no-experimental-fetch" >/dev/null; fi
	@cmake --build $(WASM_BUILD) -j $(JOBS)

# The dashboard's static files (web/dist), with the wasm engine and the demo workspace.
web: native wasm demo
	@node web/build.mjs --engine $(WASM_BUILD)/engine --demo $(BUILD)/demo --out web/dist
	@if [ -f widget/build.mjs ]; then node widget/build.mjs --wasm $(WASM_BUILD)/widget --demo $(BUILD)/demo --out web/dist/store; fi

# The demo store: a deterministic Shopify orders export and its workspace.
demo: native
	@if [ ! -f $(BUILD)/demo/demo.rapport ]; then \
	  rm -rf $(BUILD)/demo && $(BUILD)/rapport demo --out $(BUILD)/demo --seed 42 >/dev/null && \
	  $(BUILD)/rapport import $(BUILD)/demo/demo.rapport $(BUILD)/demo/shopify_orders_export_demo.csv >/dev/null; fi

run: build
	@echo "Rapport dashboard: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@node web/serve.mjs --root web/dist --port $(PORT)

test: build test-native test-wasm test-browser
	@echo "make test: all suites passed"

test-native:
	@ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure --no-tests=error
	@node --test tests/warehouse/

test-wasm:
	@ctest --test-dir $(WASM_BUILD) -j $(JOBS) --output-on-failure --no-tests=error
	@node --no-experimental-fetch --test tests/wasm/

test-browser:
	@node tests/e2e/run.mjs
	@if [ -f tests/e2e/widget.mjs ]; then node tests/e2e/widget.mjs; fi

bench: native wasm
	@bench/run.sh

# ASan + UBSan over the native test suite (hidden [.slow] tests are skipped, as in test-native), with clang-14.
# build-asan is shared with test-fuzz: the core also carries libFuzzer coverage (RAPPORT_FUZZ_COVERAGE).
ASAN_BUILD ?= build-asan
test-sanitize:
	@scripts/deps.sh sanitize
	@scripts/configure-asan.sh $(ASAN_BUILD) $(SHARED)
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) -j $(JOBS) --output-on-failure --no-tests=error

# libFuzzer on every tests/fuzz/*_fuzz.cpp for FUZZ_TIME seconds each, on copies of the corpora (scripts/fuzz.sh).
FUZZ_TIME ?= 20
test-fuzz:
	@scripts/deps.sh sanitize
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_BUILD=$(ASAN_BUILD) JOBS=$(JOBS) SHARED=$(SHARED) scripts/fuzz.sh

clean:
	rm -rf $(BUILD) $(WASM_BUILD) web/dist
