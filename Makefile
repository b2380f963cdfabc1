# graphmem: every entry point. `make help` lists them; `make` alone builds (target `all`).
#
# Builds go to build/<config>/: gcc (the default build, $(CC) with $(CFLAGS)), clang (plain, the
# same flags), asan (clang, ASan+UBSan) and pic (the shared library's objects, -fPIC); one object
# per source with its dependency file (-MMD -MP), so touching one .c rebuilds one object and
# make -j runs in parallel. V=1 prints full command lines.
# Python is always /usr/bin/python3: it is the one that sees Debian's networkx/igraph/matplotlib.
#
# Honoured from the command line or the environment: CC, CFLAGS, CPPFLAGS, LDFLAGS, PREFIX,
# DESTDIR, libdir, includedir, bindir (make install).

# make defines CC (as cc), so `CC ?= gcc` would never apply: take gcc only where CC is make's own.
ifeq ($(origin CC),default)
CC        := gcc
endif
PY        ?= /usr/bin/python3
CFLAGS    ?= -O2 -g
CPPFLAGS  ?=
LDFLAGS   ?=
OPT       = $(CFLAGS)
CSTD      := -std=c11 -D_GNU_SOURCE
WARN      := -Wall -Wextra -Werror
CJSON_CFLAGS := $(shell pkg-config --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)
CJSON_LIBS   := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
INC       := -Iimpl/include -Iimpl/src $(CJSON_CFLAGS) $(CPPFLAGS)
LIBS      := $(CJSON_LIBS) -lm
Q         := $(if $(filter 1,$(V)),,@)
# The version lives in graphmem.h (GM_VERSION); the shared library's soname carries its major.
VERSION   := $(shell sed -n 's/^\#define GM_VERSION "\(.*\)"/\1/p' impl/include/graphmem.h)
SOMAJOR   := $(firstword $(subst ., ,$(VERSION)))
SCEN_DIR  := build/scenarios
SCENARIO  ?=
QUICK     ?=
REPS      ?=
SYSTEM    ?= zerocopy
SYSTEMS   ?=
# For the scripts that take a directory: a value without "/" that is not a directory here names a
# shipped scenario (groggy-10k -> $(SCEN_DIR)/groggy-10k).
SCENARIO_ARG = $(if $(SCENARIO),$(if $(or $(findstring /,$(SCENARIO)),$(wildcard $(SCENARIO)/.)),$(SCENARIO),$(SCEN_DIR)/$(SCENARIO)))
# Every measuring target calls the graphmem command (harness/cli.py): one implementation, and
# `graphmem bench --scenario groggy-10k` does what `make bench-phaseN SCENARIO=groggy-10k` does.
# SCENARIO= takes a directory or a shipped scenario's name (the command resolves it).
GRAPHMEM  = $(PY) harness/cli.py
SCEN_OPT  = $(if $(SCENARIO),--scenario $(SCENARIO))
BENCH     = $(GRAPHMEM) bench --no-build $(SCEN_OPT) $(if $(QUICK),--quick) $(if $(REPS),--reps $(REPS)) $(if $(filter %.toml,$(SYSTEMS)),--systems-file $(SYSTEMS),$(if $(SYSTEMS),--systems $(SYSTEMS)))

LIB_SRC   := $(sort $(wildcard impl/src/*.c) $(wildcard impl/backends/*.c) $(wildcard impl/backends/*/*.c))
HDRS      := $(wildcard impl/include/*.h impl/src/*.h impl/backends/*.h impl/backends/*/*.h)
GMH_SRC   := harness/gmh.c harness/gmh_cache.c
# the conformance suite, one binary from one file per area (impl/tests/README.md);
# GM_TEST=pattern runs only the tests whose name matches (make test-gcc GM_TEST='t_filter_*')
CONF_SRC  := $(sort $(wildcard impl/tests/*.c))
GM_TEST   ?=
export GM_TEST
IGRAPH_CFLAGS := $(shell pkg-config --cflags igraph 2>/dev/null)
IGRAPH_LIBS   := $(shell pkg-config --libs igraph 2>/dev/null || echo -ligraph)

.PHONY: all help build test test-gcc test-clang test-asan test-valgrind test-harness \
        scenarios scale bench bench-phase0 bench-phase1 bench-phase2 bench-phase3 bench-phase4 bench-phase5 bench-phase6 \
        bench-peers report gate callgrind massif hyperfine demo clean compare check install uninstall shared

all: build

help:
	@echo "make build            build the library, tests and drivers (gcc)"
	@echo "make test             conformance suite: gcc, clang, ASan+UBSan, valgrind; harness tests"
	@echo "make scenarios        generate the shipped scenarios into $(SCEN_DIR)"
	@echo "make scale            every system over 1K..10M nodes (SCALE_MAX=10k, QUICK=1: short forms)"
	@echo "make bench-phaseN     measure phase N (0 json, 1 native, 3 columnar, 4 zerocopy, 6 compact) into results.csv"
	@echo "make bench-peers      measure networkx, python-igraph, igraph C and the raw floor"
	@echo "make bench            everything above (QUICK=1 for a short run, SCENARIO=dir for one scenario)"
	@echo "make report           render results.csv into reports/REPORT.md and SVG charts"
	@echo "make gate             re-measure and check deterministic figures against scenarios/budgets.csv"
	@echo "make callgrind        instruction counts per operation of every C system (groggy-10k)"
	@echo "make massif SCENARIO=dir SYSTEM=name   valgrind massif heap profile of one build"
	@echo "make bench-phase2/5   the Python binding: layered vs direct (phase 2), zerocopy (phase 5)"
	@echo "make hyperfine        whole-process timings of every driver (RUNS=n)"
	@echo "make python           build the CPython extension into build/python"
	@echo "make demo             one quick driver run on the tiny scenario"
	@echo "make compare BASE=x  every figure changed vs a results file or a commit's results.csv"
	@echo "make clean            remove build/"
	@echo "make check            the same as make test"
	@echo "make install          libgraphmem.a/.so, graphmem.h, graphmem.pc, the graphmem command (PREFIX=$(PREFIX) DESTDIR=)"
	@echo "make uninstall        remove what make install put there (same PREFIX/DESTDIR)"
	@echo "make fuzz             every libFuzzer target FUZZ_SECONDS s each (default 30); fails on a finding"
	@echo "make test-fuzz-regress  replay fuzz corpora and regressions under ASan (part of make test)"
	@echo "make coverage         gcovr line/branch coverage of impl/ over conformance + fuzz corpora"
	@echo "variables: SCENARIO=dir|name  QUICK=1 (1 repetition)  REPS=n  SYSTEMS=a,b (subset of a phase's systems; a value ending in .toml is a user systems file instead)"
	@echo "           CC= CFLAGS= CPPFLAGS= LDFLAGS= (honoured)  V=1 (full command lines)"
	@echo "           GM_TEST=pattern (conformance tests whose name matches, e.g. 't_filter_*')"

build: build/gcc/conformance build/gmbench build/peer_igraph_c build/raw_floor build/example_tiny_store build/pic/libgraphmem.so.$(VERSION)

# ---- library and conformance suite, one rule set per configuration ----
# $(1) config, $(2) compiler, $(3) flags. Objects: build/<config>/obj/<source path>.o (+ .d).
define CONFIG
$(1)_LIB_OBJ  := $$(patsubst %.c,build/$(1)/obj/%.o,$$(LIB_SRC))
$(1)_CONF_OBJ := $$(patsubst %.c,build/$(1)/obj/%.o,$$(CONF_SRC))
build/$(1)/obj/%.o: %.c Makefile
	@mkdir -p $$(@D)
	@echo "  CC [$(1)] $$<"
	$$(Q)$(2) $$(CSTD) $$(WARN) $(3) $$(INC) -MMD -MP -c $$< -o $$@

build/$(1)/libgraphmem.a: $$($(1)_LIB_OBJ)
	@echo "  AR [$(1)] libgraphmem.a"
	$$(Q)rm -f $$@ && ar rcs $$@ $$^

build/$(1)/conformance: $$($(1)_CONF_OBJ) build/$(1)/libgraphmem.a
	@echo "  LD [$(1)] conformance"
	$$(Q)$(2) $(3) $$(LDFLAGS) $$^ -lcmocka $$(LIBS) -o $$@

-include $$($(1)_LIB_OBJ:.o=.d) $$($(1)_CONF_OBJ:.o=.d)
endef
$(eval $(call CONFIG,gcc,$$(CC),$$(CFLAGS)))
$(eval $(call CONFIG,clang,clang,$$(CFLAGS)))
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(eval $(call CONFIG,asan,clang,$$(ASAN_FLAGS)))
$(eval $(call CONFIG,pic,$$(CC),$$(CFLAGS) -fPIC))

# The shared library: the pic objects, soname libgraphmem.so.$(SOMAJOR).
build/pic/libgraphmem.so.$(VERSION): $(pic_LIB_OBJ)
	@echo "  LD [pic] libgraphmem.so.$(VERSION)"
	$(Q)$(CC) -shared -Wl,-soname,libgraphmem.so.$(SOMAJOR) $(LDFLAGS) $^ $(LIBS) -o $@

build/graphmem.pc: graphmem.pc.in Makefile
	@mkdir -p build
	$(Q)sed -e 's|@prefix@|$(prefix)|' -e 's|@libdir@|$(libdir)|' -e 's|@includedir@|$(includedir)|' \
	  -e 's|@VERSION@|$(VERSION)|' $< > $@

shared: build/pic/libgraphmem.so.$(VERSION)

# ---- drivers (harness) ----
build/gmbench: harness/gmbench.c $(GMH_SRC) harness/gmh.h harness/gmh_cache.h build/gcc/libgraphmem.a
	@echo "  CC gmbench"
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(LDFLAGS) $(INC) -Iharness harness/gmbench.c $(GMH_SRC) build/gcc/libgraphmem.a $(LIBS) -ldl -o $@

# gmh.c runs the library's value and JSON code on plain malloc (impl/src/value.h's allocator seam),
# so every driver links libgraphmem.a; the peers and the floor call no graph function of it.
build/peer_igraph_c: harness/peer_igraph_c.c $(GMH_SRC) harness/gmh.h harness/gmh_cache.h build/gcc/libgraphmem.a
	@mkdir -p build
	@echo "  CC peer_igraph_c"
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(LDFLAGS) $(INC) -Iharness $(IGRAPH_CFLAGS) harness/peer_igraph_c.c $(GMH_SRC) build/gcc/libgraphmem.a $(IGRAPH_LIBS) $(LIBS) -ldl -o $@

# The example C driver of a user systems file (harness/examples/systems.toml, "example-c").
build/example_tiny_store: harness/examples/tiny_store.c $(GMH_SRC) harness/gmh.h harness/gmh_cache.h build/gcc/libgraphmem.a
	@mkdir -p build
	@echo "  CC example_tiny_store"
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(LDFLAGS) $(INC) -Iharness harness/examples/tiny_store.c $(GMH_SRC) build/gcc/libgraphmem.a $(LIBS) -ldl -o $@

build/raw_floor: harness/raw_floor.c $(GMH_SRC) harness/gmh.h harness/gmh_cache.h build/gcc/libgraphmem.a
	@mkdir -p build
	@echo "  CC raw_floor"
	$(Q)$(CC) $(CSTD) $(WARN) $(CFLAGS) $(LDFLAGS) $(INC) -Iharness harness/raw_floor.c $(GMH_SRC) build/gcc/libgraphmem.a $(LIBS) -ldl -o $@

# ---- tests ----
test: test-gcc test-clang test-asan test-valgrind test-harness test-python test-python-valgrind test-fuzz-regress
	@echo "== make test: all suites passed"

check: test

test-gcc: build/gcc/conformance
	@echo "== conformance suite [gcc -O2]"
	@build/gcc/conformance

test-clang: build/clang/conformance
	@echo "== conformance suite [clang -O2]"
	@build/clang/conformance

test-asan: build/asan/conformance
	@echo "== conformance suite [clang, AddressSanitizer + UndefinedBehaviorSanitizer]"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/conformance

test-valgrind: build/gcc/conformance
	@echo "== conformance suite [gcc, valgrind memcheck]"
	@valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=1 build/gcc/conformance

test-harness: build scenarios python
	@echo "== harness tests [pytest]"
	@$(PY) -m pytest -q harness/tests

# ---- scenarios and measurements ----
scenarios:
	@$(PY) scenarios/generate.py $(SCEN_DIR)
	@$(PY) scenarios/import.py $(SCEN_DIR) collection:pgp-strong-2009 collection:serengeti-foodweb collection:football

# The scale family, 1K to 10M nodes (harness/scale.py; README "Scale"): SCALE_MAX=10k for a
# short form, QUICK=1 = 1 repetition at sizes up to 10K.
SCALE_MAX ?= $(if $(QUICK),10k,10m)
scale: build python
	@$(GRAPHMEM) scale --no-build --max $(SCALE_MAX) $(if $(QUICK),--quick) $(if $(SYSTEMS),--systems $(SYSTEMS))

bench-phase0 bench-phase1 bench-phase3 bench-phase4: bench-phase%: build scenarios
	@$(BENCH) --phase $*

bench-phase2 bench-phase5: bench-phase%: build scenarios python
	@$(BENCH) --phase $*

bench-peers: build scenarios
	@$(BENCH) --phase peers

# phase 6 (issue 12, beyond the plan): the compact backend through gmbench and the binding
bench-phase6: build scenarios python
	@$(BENCH) --phase 6

# Your own store (PROTOCOL.md "Bring your own store"): SYSTEMS=file.toml adds its systems.
bench-user: scenarios
	@$(BENCH) --phase user

# The whole run also keeps its rows under results/history/ (on a clean tree; the command does it).
bench: build scenarios python
	@$(BENCH) --phase all

report:
	@test -f results.csv || { echo "report: no results.csv; run make bench first" >&2; exit 2; }
	@$(GRAPHMEM) report results.csv reports

gate: build scenarios python
	@$(GRAPHMEM) gate --no-build $(SCEN_OPT)

# Instruction counts per operation of every C system (callgrind), as the gate measures them.
callgrind: build scenarios
	@$(PY) harness/callgrind.py $(if $(SCENARIO),--scenario $(SCENARIO_ARG))

demo: build scenarios
	@$(PY) harness/scenario.py $(SCEN_DIR)/tiny build/tiny.plan.json
	@build/gmbench --scenario $(SCEN_DIR)/tiny --plan build/tiny.plan.json --system native --reps 1

clean:
	rm -rf build

# ---- profiles ----
massif: build
	@test -n "$(SCENARIO)" || { echo "massif: give SCENARIO=dir|name (e.g. groggy-10k) and SYSTEM=backend" >&2; exit 2; }
	@$(GRAPHMEM) massif --no-build --scenario $(SCENARIO) --system $(SYSTEM)

hyperfine: build scenarios
	@bash scripts/hyperfine.sh $(or $(SCENARIO),$(SCEN_DIR)/groggy-10k)

include python/python.mk

include impl/fuzz/fuzz.mk
include impl/fuzz/coverage.mk

# ---- compare (harness/compare.py through the command; README "Compare") ----
# BASE= a results file, or a commit (its committed results.csv; MEASURE=1 re-measures it in a
# temporary worktree beside this tree). NEW= defaults to ./results.csv. Exit 1 on a regression.
NEW ?= results.csv
compare:
	@test -n "$(BASE)" || { echo "compare: set BASE=<commit or results file>" >&2; exit 2; }
	@$(GRAPHMEM) compare $(BASE) $(NEW) $(if $(MEASURE),--measure $(SCEN_OPT) $(if $(SYSTEMS),--systems $(SYSTEMS)))

# ---- install (the conventions of jemalloc and igraph) ----
PREFIX     ?= /usr/local
prefix     ?= $(PREFIX)
exec_prefix ?= $(prefix)
libdir     ?= $(exec_prefix)/lib
includedir ?= $(prefix)/include
bindir     ?= $(exec_prefix)/bin
pkgconfigdir ?= $(libdir)/pkgconfig
INSTALLED  := $(libdir)/libgraphmem.a $(libdir)/libgraphmem.so.$(VERSION) $(libdir)/libgraphmem.so.$(SOMAJOR) \
              $(libdir)/libgraphmem.so $(includedir)/graphmem.h $(pkgconfigdir)/graphmem.pc $(bindir)/graphmem

# The installed command runs the harness of this checkout (its path is written into it).
build/graphmem: bin/graphmem Makefile
	@mkdir -p build
	$(Q)sed 's|^INSTALLED_ROOT = None$$|INSTALLED_ROOT = "$(CURDIR)"|' $< > $@ && chmod 755 $@

install: build/gcc/libgraphmem.a build/pic/libgraphmem.so.$(VERSION) build/graphmem.pc build/graphmem
	@echo "  INSTALL $(DESTDIR)$(prefix)"
	$(Q)install -d $(DESTDIR)$(libdir) $(DESTDIR)$(includedir) $(DESTDIR)$(pkgconfigdir) $(DESTDIR)$(bindir)
	$(Q)install -m 644 build/gcc/libgraphmem.a $(DESTDIR)$(libdir)/libgraphmem.a
	$(Q)install -m 755 build/pic/libgraphmem.so.$(VERSION) $(DESTDIR)$(libdir)/libgraphmem.so.$(VERSION)
	$(Q)ln -sf libgraphmem.so.$(VERSION) $(DESTDIR)$(libdir)/libgraphmem.so.$(SOMAJOR)
	$(Q)ln -sf libgraphmem.so.$(SOMAJOR) $(DESTDIR)$(libdir)/libgraphmem.so
	$(Q)install -m 644 impl/include/graphmem.h $(DESTDIR)$(includedir)/graphmem.h
	$(Q)install -m 644 build/graphmem.pc $(DESTDIR)$(pkgconfigdir)/graphmem.pc
	$(Q)install -m 755 build/graphmem $(DESTDIR)$(bindir)/graphmem

uninstall:
	@echo "  UNINSTALL $(DESTDIR)$(prefix)"
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
