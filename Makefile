# graphmem: every entry point. `make help` lists them.
#
# Builds go to build/<config>/: gcc and clang (plain, -O2), asan (clang, ASan+UBSan).
# Python is always /usr/bin/python3: it is the one that sees Debian's networkx/igraph/matplotlib.

PY        ?= /usr/bin/python3
CC        ?= gcc
CSTD      := -std=c11 -D_GNU_SOURCE
WARN      := -Wall -Wextra -Werror
OPT       ?= -O2 -g
INC       := -Iimpl/include -Iimpl/src -I/usr/include/cjson
LIBS      := -lcjson -lm
SCEN_DIR  := build/scenarios
SCENARIO  ?=
QUICK     ?=
REPS      ?=
SYSTEM    ?= zerocopy
SYSTEMS   ?=
# SCENARIO= takes a directory or a shipped scenario's name (groggy-10k -> $(SCEN_DIR)/groggy-10k):
# a value without "/" that is not an existing directory here names a shipped scenario.
SCENARIO_ARG = $(if $(SCENARIO),$(if $(or $(findstring /,$(SCENARIO)),$(wildcard $(SCENARIO)/.)),$(SCENARIO),$(SCEN_DIR)/$(SCENARIO)))
BENCH     = $(PY) harness/bench.py $(if $(SCENARIO),--scenario $(SCENARIO_ARG)) $(if $(QUICK),--quick) $(if $(REPS),--reps $(REPS)) $(if $(filter %.toml,$(SYSTEMS)),--systems-file $(SYSTEMS),$(if $(SYSTEMS),--systems $(SYSTEMS)))

LIB_SRC   := $(sort $(wildcard impl/src/*.c) $(wildcard impl/backends/*.c) $(wildcard impl/backends/*/*.c))
HDRS      := $(wildcard impl/include/*.h impl/src/*.h impl/backends/*.h impl/backends/*/*.h)
GMH_SRC   := harness/gmh.c
# the conformance suite, one binary from one file per area (impl/tests/README.md);
# GM_TEST=pattern runs only the tests whose name matches (make test-gcc GM_TEST='t_filter_*')
CONF_SRC  := $(sort $(wildcard impl/tests/*.c))
GM_TEST   ?=
export GM_TEST
IGRAPH_CFLAGS := $(shell pkg-config --cflags igraph 2>/dev/null)
IGRAPH_LIBS   := $(shell pkg-config --libs igraph 2>/dev/null || echo -ligraph)

.PHONY: all help build test test-gcc test-clang test-asan test-valgrind test-harness \
        scenarios scale bench bench-phase0 bench-phase1 bench-phase2 bench-phase3 bench-phase4 bench-phase5 bench-phase6 \
        bench-peers report gate callgrind massif hyperfine demo clean compare

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
	@echo "make fuzz             every libFuzzer target FUZZ_SECONDS s each (default 30); fails on a finding"
	@echo "make test-fuzz-regress  replay fuzz corpora and regressions under ASan (part of make test)"
	@echo "make coverage         gcovr line/branch coverage of impl/ over conformance + fuzz corpora"
	@echo "variables: SCENARIO=dir|name  QUICK=1 (1 repetition)  REPS=n  SYSTEMS=a,b (subset of a phase's systems; a value ending in .toml is a user systems file instead)"
	@echo "           GM_TEST=pattern (conformance tests whose name matches, e.g. 't_filter_*')"

build: build/gcc/conformance build/gmbench build/peer_igraph_c build/raw_floor

# ---- library and conformance suite, one rule set per configuration ----
define CONFIG
build/$(1)/libgraphmem.a: $(LIB_SRC) $(HDRS) Makefile
	@rm -rf build/$(1)/obj && mkdir -p build/$(1)/obj
	@echo "  CC [$(1)] libgraphmem.a"
	@set -e; for f in $(LIB_SRC); do \
	  $(2) $(CSTD) $(WARN) $(3) $(INC) -c $$$$f -o build/$(1)/obj/$$$$(echo $$$$f | tr / _).o; done
	@rm -f $$@ && ar rcs $$@ build/$(1)/obj/*.o

build/$(1)/conformance: $(CONF_SRC) impl/tests/fixture.h build/$(1)/libgraphmem.a
	@echo "  CC [$(1)] conformance"
	@$(2) $(CSTD) $(WARN) $(3) $(INC) $(CONF_SRC) build/$(1)/libgraphmem.a -lcmocka $(LIBS) -o $$@
endef
$(eval $(call CONFIG,gcc,gcc,$(OPT)))
$(eval $(call CONFIG,clang,clang,$(OPT)))
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(eval $(call CONFIG,asan,clang,$$(ASAN_FLAGS)))

# ---- drivers (harness) ----
build/gmbench: harness/gmbench.c $(GMH_SRC) harness/gmh.h build/gcc/libgraphmem.a
	@echo "  CC gmbench"
	@$(CC) $(CSTD) $(WARN) $(OPT) $(INC) -Iharness harness/gmbench.c $(GMH_SRC) build/gcc/libgraphmem.a $(LIBS) -ldl -o $@

# gmh.c runs the library's value and JSON code on plain malloc (impl/src/value.h's allocator seam),
# so every driver links libgraphmem.a; the peers and the floor call no graph function of it.
build/peer_igraph_c: harness/peer_igraph_c.c $(GMH_SRC) harness/gmh.h build/gcc/libgraphmem.a
	@mkdir -p build
	@echo "  CC peer_igraph_c"
	@$(CC) $(CSTD) $(WARN) $(OPT) $(INC) -Iharness $(IGRAPH_CFLAGS) harness/peer_igraph_c.c $(GMH_SRC) build/gcc/libgraphmem.a $(IGRAPH_LIBS) $(LIBS) -ldl -o $@

# The example C driver of a user systems file (harness/examples/systems.toml, "example-c").
build/example_tiny_store: harness/examples/tiny_store.c $(GMH_SRC) harness/gmh.h build/gcc/libgraphmem.a
	@mkdir -p build
	@echo "  CC example_tiny_store"
	@$(CC) $(CSTD) $(WARN) $(OPT) $(INC) -Iharness harness/examples/tiny_store.c $(GMH_SRC) build/gcc/libgraphmem.a $(LIBS) -ldl -o $@

build/raw_floor: harness/raw_floor.c $(GMH_SRC) harness/gmh.h build/gcc/libgraphmem.a
	@mkdir -p build
	@echo "  CC raw_floor"
	@$(CC) $(CSTD) $(WARN) $(OPT) $(INC) -Iharness harness/raw_floor.c $(GMH_SRC) build/gcc/libgraphmem.a $(LIBS) -ldl -o $@

# ---- tests ----
test: test-gcc test-clang test-asan test-valgrind test-harness test-python test-python-valgrind test-fuzz-regress
	@echo "== make test: all suites passed"

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
	@$(PY) harness/scale.py --max $(SCALE_MAX) $(if $(QUICK),--quick) $(if $(SYSTEMS),--systems $(SYSTEMS))

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

bench: build scenarios python
	@$(BENCH) --phase all
	@$(PY) harness/history.py record results.csv

report:
	@test -f results.csv || { echo "report: no results.csv; run make bench first" >&2; exit 2; }
	@$(PY) reports/render.py results.csv reports

gate: build scenarios python
	@$(PY) harness/gate.py $(if $(SCENARIO),--scenario $(SCENARIO_ARG)) --budgets scenarios/budgets.csv

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
	@test -n "$(SCENARIO)" || { echo "massif: give SCENARIO=dir (e.g. $(SCEN_DIR)/groggy-10k) and SYSTEM=backend" >&2; exit 2; }
	@bash scripts/massif.sh $(SCENARIO_ARG) $(SYSTEM)

hyperfine: build scenarios
	@bash scripts/hyperfine.sh $(or $(SCENARIO),$(SCEN_DIR)/groggy-10k)

include python/python.mk

include impl/fuzz/fuzz.mk
include impl/fuzz/coverage.mk

# ---- compare (harness/compare.py; README "Compare") ----
# BASE= a results file, or a commit whose committed results.csv is the base (not re-measured);
# NEW= defaults to ./results.csv.  Exit 1 when a gated exact figure grew.
NEW ?= results.csv
compare:
	@test -n "$(BASE)" || { echo "compare: set BASE=<commit or results file>" >&2; exit 2; }
	@set -e; if [ -f "$(BASE)" ]; then base="$(BASE)"; else \
	  base=build/compare-base.csv; mkdir -p build; \
	  git show "$(BASE):results.csv" > $$base || { echo "compare: no results.csv at $(BASE)" >&2; exit 2; }; fi; \
	  $(PY) harness/compare.py $$base $(NEW) --budgets scenarios/budgets.csv
