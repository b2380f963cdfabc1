# ---- coverage (issue 14): gcovr line and branch coverage of impl/src and impl/backends over the
# conformance suite and a replay of every fuzz corpus and regression input (gcc --coverage -O0).
# Every source compiles to its own object named after its whole path (impl/src/graph.c ->
# obj/impl_src_graph.o), so no two sources share a .gcda: compiling them in one gcc call names
# the data after the basename, and impl/tests/graph.c then overwrote impl/src/graph.c's counts.
# The library's objects are shared by the three programs, so their counts add up across them.
COV_DIR   := build/cov
COV_FLAGS := -O0 -g --coverage
COV_MIN_LINES    ?= 95
COV_MIN_BRANCHES ?= 85
COV_CC     = gcc $(CSTD) $(WARN) $(COV_FLAGS) $(INC) -Iharness
cov_obj    = $(addprefix $(COV_DIR)/obj/,$(subst /,_,$(1:.c=.o)))
COV_LIB    = $(call cov_obj,$(LIB_SRC))

.PHONY: coverage

coverage:
	@command -v gcovr >/dev/null || { echo "make coverage needs gcovr (apt-get install -y gcovr)"; exit 1; }
	@rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)/obj
	@echo "  CC [cov] $(words $(LIB_SRC) $(CONF_SRC)) sources, one object each"
	@set -e; for f in $(LIB_SRC) $(CONF_SRC) $(GMH_SRC) impl/fuzz/fuzz_loader.c impl/fuzz/fuzz_diff.c impl/fuzz/replay.c; do \
	  $(COV_CC) -c $$f -o $(COV_DIR)/obj/$$(echo $${f%.c} | tr / _).o; done
	@echo "  LD [cov] conformance, replay_loader, replay_diff"
	@$(COV_CC) $(call cov_obj,$(CONF_SRC)) $(COV_LIB) -lcmocka $(LIBS) -o $(COV_DIR)/conformance
	@$(COV_CC) $(call cov_obj,impl/fuzz/fuzz_loader.c impl/fuzz/replay.c $(GMH_SRC)) $(COV_LIB) $(LIBS) -ldl -o $(COV_DIR)/replay_loader
	@$(COV_CC) $(call cov_obj,impl/fuzz/fuzz_diff.c impl/fuzz/replay.c) $(COV_LIB) $(LIBS) -o $(COV_DIR)/replay_diff
	@echo "== coverage: conformance suite"
	@$(COV_DIR)/conformance >$(COV_DIR)/conformance.log 2>&1 || { tail -20 $(COV_DIR)/conformance.log; exit 1; }
	@if grep -q "profiling error" $(COV_DIR)/conformance.log; then grep "profiling error" $(COV_DIR)/conformance.log; exit 1; fi
	@echo "== coverage: fuzz corpora and regressions"
	@$(COV_DIR)/replay_loader impl/fuzz/corpus/loader impl/fuzz/regress/loader
	@$(COV_DIR)/replay_diff impl/fuzz/corpus/diff impl/fuzz/regress/diff
	@gcovr -r . $(COV_DIR) --filter 'impl/src/' --filter 'impl/backends/' --branches --txt $(COV_DIR)/branches.txt
	@gcovr -r . $(COV_DIR) --filter 'impl/src/' --filter 'impl/backends/' --txt $(COV_DIR)/lines.txt
	@echo "== lines" && cat $(COV_DIR)/lines.txt && echo "== branches" && cat $(COV_DIR)/branches.txt
	@gcovr -r . $(COV_DIR) --filter 'impl/src/' --filter 'impl/backends/' --branches \
	  --fail-under-line $(COV_MIN_LINES) --fail-under-branch $(COV_MIN_BRANCHES) >/dev/null || \
	  { echo "coverage: below $(COV_MIN_LINES)% of lines or $(COV_MIN_BRANCHES)% of branches (issue 14's floor)" >&2; exit 1; }
	@echo "coverage: at least $(COV_MIN_LINES)% of lines and $(COV_MIN_BRANCHES)% of branches in impl/src and impl/backends"
