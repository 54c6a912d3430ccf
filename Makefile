# Climon's entry points. The README's two commands:
#   make run    set up, build, lay out the lab site and run the agent on it
#               (SITE=sms12: a site that writes only what SMS 1.2 documents)
#   make test   set up, build every preset and run every test
# Each installs what it needs itself (scripts/setup, idempotent).
SHELL := /bin/bash
JOBS ?= 2
SITE ?= lab
PRESETS := native native-asan mingw
# GUI tests need an X display: use the caller's, or a private Xvfb.
XRUN := $(if $(DISPLAY),,xvfb-run -a -s "-screen 0 1280x1024x24")

.PHONY: all setup build test test-native test-asan test-mingw test-fuzz run clean format-check

all: build

setup:
	@scripts/setup

build: setup
	@for p in $(PRESETS); do \
	  cmake --preset $$p >/dev/null && cmake --build build/$$p -j$(JOBS) || exit 1; \
	done

test: build
	@rc=0; \
	$(MAKE) --no-print-directory test-native || rc=1; \
	$(MAKE) --no-print-directory test-asan || rc=1; \
	$(MAKE) --no-print-directory test-mingw || rc=1; \
	$(MAKE) --no-print-directory test-fuzz || rc=1; \
	if [ $$rc = 0 ]; then echo "make test: all suites passed"; else echo "make test: FAILED"; fi; \
	exit $$rc

test-native:
	@echo "== native (Linux gcc)"; ctest --test-dir build/native -j$(JOBS) --output-on-failure

test-asan:
	@echo "== native-asan (AddressSanitizer + UBSan)"; ctest --test-dir build/native-asan -j$(JOBS) --output-on-failure

test-mingw:
	@echo "== mingw (Windows executables under Wine)"; $(XRUN) ctest --test-dir build/mingw -j$(JOBS) --output-on-failure

# libFuzzer targets, a bounded run each (tests/fuzz/README.md for long runs).
test-fuzz: setup
	@echo "== fuzz (libFuzzer, bounded)"; \
	cmake --preset fuzz >/dev/null && cmake --build build/fuzz -j$(JOBS) && \
	ctest --test-dir build/fuzz -R '^fuzz\.' --output-on-failure

run: setup
	@cmake --preset mingw >/dev/null && cmake --build build/mingw -j$(JOBS)
	@cmake --preset native >/dev/null && cmake --build build/native -j$(JOBS)
	@SITE=$(SITE) scripts/run-story

format-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

# The Windows Installer package (issue 7): build/msi/Climon-<version>-x64.msi
# from build/mingw's programs; installer/build-msi says how. Signed (issue
# 15.5) with SIGN_CERT=<pfx> [SIGN_PASS_FILE=<file>] [SIGN_TIMESTAMP=<url>]:
# the programs, the package and build/msi/site/{clisetup,ccm}.exe.
SIGN_CERT ?=
SIGN_PASS_FILE ?=
SIGN_TIMESTAMP ?=
.PHONY: msi
msi: setup
	@cmake --preset mingw >/dev/null && cmake --build build/mingw -j$(JOBS)
	@installer/build-msi $(if $(SIGN_CERT),--sign-cert "$(SIGN_CERT)") \
	  $(if $(SIGN_PASS_FILE),--sign-pass-file "$(SIGN_PASS_FILE)") \
	  $(if $(SIGN_TIMESTAMP),--timestamp "$(SIGN_TIMESTAMP)")

# Benchmarks (issue 6): every figure of docs/performance.md, results in
# build/bench/results.json; QUICK=1 for a short run (bench/run-all says what).
.PHONY: bench
bench: setup
	@cmake --preset mingw >/dev/null && cmake --build build/mingw -j$(JOBS)
	@cmake --preset native >/dev/null && cmake --build build/native -j$(JOBS)
	@QUICK=$(QUICK) bench/run-all
