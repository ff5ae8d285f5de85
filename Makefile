# Makefile: builds, tests, benchmarks and installs the gammaray toolkit (`make help`).
# Non-recursive; GNU make. Dependencies come from pkg-config; build-aux/deps.sh installs
# the Debian packages when they are missing and we are root.

VERSION := 0.1.0

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
V       ?= 0
SANITIZE ?= 0
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

# Objects of a sanitizer build never mix with the normal ones.
ifeq ($(SANITIZE),1)
O := build/san
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
O := build
SAN :=
endif

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wundef -Wcast-align -Wpointer-arith -Wvla
GR_CFLAGS := -std=c11 -D_GNU_SOURCE -DGR_VERSION='"$(VERSION)"' $(WARN) $(SAN) \
             -Ilib -MMD -MP -pthread
GR_LDFLAGS := $(SAN) -pthread

# --- dependencies --------------------------------------------------------------
DEP_MODULES := libpcre2-8 jansson libcgraph libgvc zlib
CONFIG := $(O)/config.mk

NOCONFIG_GOALS := clean help distclean
ifeq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
else
-include $(CONFIG)
endif

$(CONFIG): build-aux/deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)sh build-aux/deps.sh build
	$(Q){ echo "DEP_CFLAGS := $$(pkg-config --cflags $(DEP_MODULES))"; \
	      echo "DEP_LIBS := $$(pkg-config --libs $(DEP_MODULES))"; } > $@.tmp && mv $@.tmp $@

# Criterion and the CLI tests' tools are needed only by `check`; the stamp orders the
# install before anything that compiles against Criterion.
$(O)/.deps-test: build-aux/deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)sh build-aux/deps.sh test
	$(Q)touch $@
CRIT_CFLAGS = $(shell pkg-config --cflags criterion)
CRIT_LIBS = $(shell pkg-config --libs criterion)

# --- sources -------------------------------------------------------------------
# lib/README.md draws the floors. The toolkit's library is every folder of lib/ but the
# simulator and the scorer, which are kept apart (as zstd keeps its data generator) in a
# second archive that only gammaray-synth, gammaray-score, the tests and bench link.
LIB_DIRS  := common stream fetch infer infer/model infer/rules critpath dot report
TOOL_DIRS := synth score
LIB_SRC  := $(sort $(foreach d,$(LIB_DIRS),$(wildcard lib/$(d)/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
# gammaray-report's page style and script, made C strings (build-aux/embed.py)
REPORT_ASSETS := lib/report/report_page.css lib/report/report_page.js
LIB_OBJ  += $(O)/lib/report/report_assets.o
LIB_A    := $(O)/libgammaray.a
TOOL_SRC := $(sort $(foreach d,$(TOOL_DIRS),$(wildcard lib/$(d)/*.c)))
TOOL_OBJ := $(TOOL_SRC:%.c=$(O)/%.o)
TOOL_A   := $(O)/libgrtools.a

CLI_SRC  := $(filter-out cmd/gammaray_%.c,$(sort $(wildcard cmd/*.c)))
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o)
PROG_SRC := $(sort $(wildcard cmd/gammaray_*.c))
PROGS    := $(patsubst cmd/gammaray_%.c,$(O)/bin/gammaray-%,$(PROG_SRC))
PROGS    := $(subst _,-,$(PROGS))

# Programs that are scripts over other programs (cmd/gammaray_NAME.py; gammaray-pull runs
# the AWS CLI): copied with the version filled in.
SCRIPT_SRC := $(sort $(wildcard cmd/gammaray_*.py))
SCRIPTS    := $(subst _,-,$(patsubst cmd/gammaray_%.py,$(O)/bin/gammaray-%,$(SCRIPT_SRC)))

TEST_SRC := $(sort $(wildcard tests/unit/*.c))
TEST_OBJ := $(TEST_SRC:%.c=$(O)/%.o)
TEST_BIN := $(O)/tests/unit-tests

MANPAGES := $(sort $(wildcard man/*.[1-9]))

.PHONY: all check pull-check dask-check layers-check unit-check cli-check browser-check demo bench install uninstall clean distclean help \
        fuzz fuzz-build fuzz-replay valgrind-check leak-check
.DEFAULT_GOAL := all

all: $(PROGS) $(SCRIPTS)

$(O)/lib/%.o: lib/%.c $(CONFIG)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(GR_CFLAGS) $(DEP_CFLAGS) -c -o $@ $<

# an SVG's Graphviz context opens the dot layout and core plugins itself (lib/dot/dot_svg.c)
$(O)/lib/dot/dot_svg.o: GR_CFLAGS += -DGR_GV_PLUGIN_DIR='"$(shell pkg-config --variable=libdir libgvc)/graphviz"' \
	-DGR_GV_PLUGIN_ABI='"$(shell pkg-config --variable=plugins libgvc)"'

$(O)/cmd/%.o: cmd/%.c $(CONFIG)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(GR_CFLAGS) $(DEP_CFLAGS) -c -o $@ $<

$(O)/lib/report/report_assets.c: $(REPORT_ASSETS) build-aux/embed.py
	$(call say,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)/usr/bin/python3 build-aux/embed.py $@ gr_report_css lib/report/report_page.css \
	    gr_report_js lib/report/report_page.js

$(O)/lib/report/report_assets.o: $(O)/lib/report/report_assets.c $(CONFIG)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(GR_CFLAGS) $(DEP_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(TOOL_A): $(TOOL_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# cmd/gammaray_foo_bar.c -> gammaray-foo-bar
# gammaray-synth and gammaray-score also link the tools' archive (before the library's).
tools_for = $(if $(filter gammaray_synth gammaray_score,$(notdir $(basename $(1)))),$(TOOL_A))
define prog_rule
$(O)/bin/$(subst _,-,$(notdir $(basename $(1)))): $(O)/$(basename $(1)).o $(CLI_OBJ) $(call tools_for,$(1)) $(LIB_A)
	$$(call say,LD,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(LDFLAGS) $$(GR_LDFLAGS) -o $$@ $$^ $$(DEP_LIBS) -lm
endef
$(foreach p,$(PROG_SRC),$(eval $(call prog_rule,$(p))))

$(O)/bin/gammaray-%: cmd/gammaray_%.py Makefile
	$(call say,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed 's/@VERSION@/$(VERSION)/' $< >$@.tmp && chmod 755 $@.tmp && mv $@.tmp $@

# --- tests ---------------------------------------------------------------------
$(O)/tests/unit/%.o: tests/unit/%.c $(CONFIG) | $(O)/.deps-test
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(GR_CFLAGS) -Wno-missing-prototypes $(DEP_CFLAGS) $(CRIT_CFLAGS) -c -o $@ $<

$(TEST_BIN): $(TEST_OBJ) $(TOOL_A) $(LIB_A) | $(O)/.deps-test
	$(call say,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(GR_LDFLAGS) -o $@ $^ $(CRIT_LIBS) $(DEP_LIBS) -lm

# Leaks (SANITIZE=1): tests/lsan.supp suppresses the third-party ones (Graphviz's layout
# and font stack); any other fails. Criterion ignores the exit status of a worker whose
# test passed, so LeakSanitizer aborts it instead (abort_on_error), which fails the run;
# tests/cli/run.sh fails a case on any report; the replays check exit statuses.
# `leak-check` proves each can fail with planted leaks (tests/leak/run.sh).
LSAN_ENV := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
UNIT_ENV := $(LSAN_ENV) ASAN_OPTIONS=$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}abort_on_error=1
LEAK_BINS := $(O)/tests/leak/planted-unit $(O)/tests/leak/bin/gammaray-planted-leak

unit-check: $(TEST_BIN)
	$(Q)cd tests/unit && $(UNIT_ENV) ../../$(TEST_BIN) --jobs=$(JOBS) --short-filename || \
	    { echo 'unit-check: failed (a leak shows as a test that "crashed during its' \
	      'setup or teardown", after the LeakSanitizer report)'; exit 1; }

# lib/README.md's rule, read from the objects' symbols and the include lines.
layers-check: $(LIB_OBJ) $(TOOL_OBJ) | $(O)/.deps-test
	$(Q)/usr/bin/python3 build-aux/layers.py $(O) $(LIB_OBJ) $(TOOL_OBJ)

cli-check: $(PROGS) $(SCRIPTS) | $(O)/.deps-test
	$(Q)BIN=$(CURDIR)/$(O)/bin sh tests/cli/run.sh

# gammaray-pull with the real AWS CLI against a local endpoint (tests/pull/run.sh).
pull-check: $(PROGS) $(SCRIPTS) | $(O)/.deps-test
	$(Q)BIN=$(CURDIR)/$(O)/bin sh tests/pull/run.sh

# The sharded run on a real Dask cluster on this machine (contrib/dask/, tests/dask/run.sh):
# skipped without python3-distributed, failed without it under CI=true.
dask-check: $(PROGS) | $(O)/.deps-test
	$(Q)BIN=$(CURDIR)/$(O)/bin sh tests/dask/run.sh

# gammaray-report's page in headless Chromium (tests/browser/run.sh): skipped without
# chromium, failed without it under CI=true; screenshots in $(O)/tests/browser.
browser-check: $(PROGS) | $(O)/.deps-test
	$(Q)$(LSAN_ENV) BIN=$(CURDIR)/$(O)/bin sh tests/browser/run.sh $(O)/tests/browser

$(O)/tests/leak/%.o: tests/leak/%.c $(CONFIG) | $(O)/.deps-test
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(GR_CFLAGS) -Wno-missing-prototypes $(DEP_CFLAGS) $(CRIT_CFLAGS) -c -o $@ $<

$(O)/tests/leak/planted-unit: $(O)/tests/leak/planted_unit.o $(LIB_A)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $(GR_LDFLAGS) -o $@ $^ $(CRIT_LIBS) $(DEP_LIBS) -lm

$(O)/tests/leak/bin/gammaray-planted-leak: $(O)/tests/leak/planted_prog.o $(LIB_A)
	$(call say,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(GR_LDFLAGS) -o $@ $^ $(DEP_LIBS) -lm

leak-check: $(LEAK_BINS)
	$(if $(filter 1,$(SANITIZE)),,$(error leak-check needs SANITIZE=1))
	$(Q)UNIT_ENV="$(UNIT_ENV)" sh tests/leak/run.sh $(O)

check: all
	$(Q)$(MAKE) --no-print-directory layers-check
	$(Q)$(MAKE) --no-print-directory unit-check
	$(Q)$(MAKE) --no-print-directory cli-check
	@# the integration tests (the AWS CLI, Chromium, Dask) run in the plain build only, not
	@# again under the sanitizers
	$(Q)$(if $(filter 1,$(SANITIZE)),,$(MAKE) --no-print-directory pull-check)
	$(Q)$(if $(filter 1,$(SANITIZE)),,$(MAKE) --no-print-directory browser-check)
	$(Q)$(if $(filter 1,$(SANITIZE)),,$(MAKE) --no-print-directory dask-check)
	$(Q)$(MAKE) --no-print-directory fuzz-replay
	$(Q)$(MAKE) --no-print-directory gen-check
	$(Q)$(if $(filter 1,$(SANITIZE)),$(MAKE) --no-print-directory leak-check)

# --- demo, bench ---------------------------------------------------------------
demo: all
	$(Q)BIN=$(CURDIR)/$(O)/bin sh build-aux/demo.sh

bench: all
	$(Q)sh build-aux/deps.sh bench
	$(Q)BIN=$(CURDIR)/$(O)/bin sh bench/run.sh

# --- hardening: fuzzing, valgrind (tests/fuzz/README.md) ----------------------
# libFuzzer targets tests/fuzz/fuzz_NAME.c, built with clang, ASan and UBSan into
# build/fuzz/bin; `make fuzz` runs each FUZZ_SECONDS, FUZZ_JOBS at once. The same
# entry points, linked with tests/fuzz/replay_main.c by $(CC), replay the corpora and
# the regression inputs in `make check` (sanitized under SANITIZE=1).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FZ           := build/fuzz
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined -std=c11 -D_GNU_SOURCE \
                -DGR_VERSION='"$(VERSION)"' $(WARN) -Ilib -Itests/fuzz -MMD -MP -pthread
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FZ)/%.o) $(TOOL_SRC:%.c=$(FZ)/%.o)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FZ)/bin/fuzz_%)
REPLAY_BINS  := $(FUZZ_NAMES:%=$(O)/replay/replay_%)

$(FZ)/.deps: build-aux/deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)sh build-aux/deps.sh fuzz
	$(Q)touch $@

$(FZ)/lib/%.o: lib/%.c $(CONFIG) | $(FZ)/.deps
	$(call say,FUZZCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEP_CFLAGS) -c -o $@ $<

$(FZ)/tests/fuzz/%.o: tests/fuzz/%.c $(CONFIG) | $(FZ)/.deps
	$(call say,FUZZCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEP_CFLAGS) -c -o $@ $<

$(FZ)/libgammaray.a: $(FUZZ_LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(FZ)/bin/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(FZ)/libgammaray.a
	$(call say,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -pthread -o $@ $^ $(DEP_LIBS) -lm

$(O)/tests/fuzz/%.o: tests/fuzz/%.c $(CONFIG)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(GR_CFLAGS) -Itests/fuzz -Wno-missing-prototypes $(DEP_CFLAGS) -c -o $@ $<

$(O)/replay/replay_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay_main.o $(LIB_A)
	$(call say,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(GR_LDFLAGS) -o $@ $^ $(DEP_LIBS) -lm

# the objects of one target are kept (not intermediates to delete)
.SECONDARY: $(FUZZ_NAMES:%=$(FZ)/tests/fuzz/fuzz_%.o) $(FUZZ_NAMES:%=$(O)/tests/fuzz/fuzz_%.o) \
            $(O)/tests/fuzz/replay_main.o

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_TARGETS:%=$(FZ)/bin/fuzz_%)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

# Replays every seed and every regression input through its target's entry point.
fuzz-replay: $(REPLAY_BINS)
	$(Q)for t in $(FUZZ_NAMES); do \
	      set -- ; for d in tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t; do \
	        [ -d $$d ] && set -- "$$@" $$d; done; \
	      $(LSAN_ENV) $(O)/replay/replay_$$t "$$@" >/dev/null || { echo "fuzz-replay: $$t failed"; exit 1; }; \
	    done; echo "fuzz-replay: $(words $(FUZZ_NAMES)) targets, corpora and regressions clean"

# The CLI golden tests with every gammaray program run under valgrind memcheck.
valgrind-check: $(PROGS) | $(O)/.deps-test $(FZ)/.deps
	$(Q)rm -rf $(O)/valgrind && mkdir -p $(O)/valgrind/bin
	$(Q)for p in $(PROGS); do n=$${p##*/}; \
	      printf '#!/bin/sh\n# runs the real %s under valgrind (by name: argv[0] and messages stay)\nPATH=%s:$$PATH exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=%s %s "$$@"\n' \
	        "$$n" "$(CURDIR)/$(O)/bin" "$(CURDIR)/tests/fuzz/valgrind.supp" "$$n" >$(O)/valgrind/bin/$$n; \
	      chmod +x $(O)/valgrind/bin/$$n; done
	$(Q)for s in $(SCRIPTS); do ln -sf $(CURDIR)/$$s $(O)/valgrind/bin/; done
	$(Q)BIN=$(CURDIR)/$(O)/valgrind/bin sh tests/cli/run.sh $(CASES)
	$(Q)[ -n "$(CASES)" ] || { $(MAKE) --no-print-directory $(GEN_BIN) && \
	      BIN=$(CURDIR)/$(O)/valgrind/bin GEN_SAMPLE=1 sh tests/gen/cli.sh $(GEN_BIN); }

# --- grammar-driven variants (tests/gen, tests/fuzz/README.md) --------------------
# gen-tests walks a template of every input family and runs each variant (every path
# times every mutation class) through fetch, infer, critpath and dot in process; then
# tests/gen/cli.sh runs each family's batch through the programs.
GEN_SRC := $(sort $(wildcard tests/gen/*.c))
GEN_OBJ := $(GEN_SRC:%.c=$(O)/%.o)
GEN_BIN := $(O)/tests/gen-tests

$(O)/tests/gen/%.o: tests/gen/%.c $(CONFIG)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(GR_CFLAGS) -Itests/fuzz $(DEP_CFLAGS) -c -o $@ $<

$(GEN_BIN): $(GEN_OBJ) $(LIB_A)
	$(call say,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(GR_LDFLAGS) -o $@ $^ $(DEP_LIBS) -lm

.PHONY: gen-check
gen-check: $(GEN_BIN) $(PROGS)
	$(Q)$(GEN_BIN) -j 2
	$(Q)BIN=$(CURDIR)/$(O)/bin sh tests/gen/cli.sh $(GEN_BIN)

-include $(GEN_OBJ:.o=.d)

# --- install -------------------------------------------------------------------
install: all
	$(Q)mkdir -p $(DESTDIR)$(BINDIR)
	$(Q)for p in $(PROGS) $(SCRIPTS); do install -m 755 $$p $(DESTDIR)$(BINDIR)/; done
	$(Q)for m in $(MANPAGES); do s=$${m##*.}; mkdir -p $(DESTDIR)$(MANDIR)/man$$s; \
	      install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	$(Q)for p in $(PROGS) $(SCRIPTS); do rm -f $(DESTDIR)$(BINDIR)/$${p##*/}; done
	$(Q)for m in $(MANPAGES); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

clean:
	rm -rf build

distclean: clean
	rm -rf out bench/cache

help:
	@echo 'gammaray $(VERSION): targets'
	@echo '  all (default)  build the programs into $(O)/bin'
	@echo '  check          build and run every test (Criterion unit, CLI golden, fuzz replays, gen)'
	@echo '  layers-check   lib/README.md'"'"'s rule on the objects: no reference up a floor, no loops'
	@echo '  unit-check     only the Criterion unit tests'
	@echo '  cli-check      only the CLI golden tests (UPDATE=1 rewrites the golden files)'
	@echo '  pull-check     gammaray-pull and the real AWS CLI against a local endpoint (part of'
	@echo '                 check, not under SANITIZE=1)'
	@echo '  browser-check  gammaray-report'"'"'s page driven in headless Chromium (part of check,'
	@echo '                 not under SANITIZE=1)'
	@echo '  dask-check     contrib/dask'"'"'s driver on a real local Dask cluster: the same graph'
	@echo '                 as one machine, a worker killed (part of check, not under SANITIZE=1)'
	@echo '  fuzz           build the libFuzzer targets (clang) and run each FUZZ_SECONDS (60),'
	@echo '                 FUZZ_JOBS at once (1), FUZZ_TARGETS=names for some (tests/fuzz/README.md)'
	@echo '  fuzz-replay    replay the fuzz corpora and regression inputs (part of check)'
	@echo '  gen-check      grammar-driven variants of every input family (part of check)'
	@echo '  leak-check     SANITIZE=1: planted leaks must fail the unit and CLI tests (part of check)'
	@echo '  valgrind-check the CLI tests with every program under valgrind memcheck (CASES=names)'
	@echo '  demo           run the whole pipeline on the bundled fixtures, into out/demo/'
	@echo '  bench          build, generate inputs, measure against baselines (bench/README.md)'
	@echo '  install        install programs and man pages (DESTDIR PREFIX BINDIR MANDIR)'
	@echo '  uninstall      remove what install put there'
	@echo '  clean          remove build/; distclean also removes out/ and bench/cache/'
	@echo 'variables: V=1 shows commands, SANITIZE=1 builds with ASan+UBSan into build/san,'
	@echo '           CFLAGS, LDFLAGS, CC, JOBS (test parallelism)'

-include $(LIB_OBJ:.o=.d) $(TOOL_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(PROG_SRC:%.c=$(O)/%.d) $(TEST_OBJ:.o=.d)
-include $(wildcard $(O)/tests/leak/*.d)
-include $(FUZZ_LIB_OBJ:.o=.d) $(wildcard $(FZ)/tests/fuzz/*.d $(O)/tests/fuzz/*.d)
