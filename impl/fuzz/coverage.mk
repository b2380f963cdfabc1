# ---- coverage (issue 14): gcovr line and branch coverage of impl/src and impl/backends over the
# conformance suite and a replay of every fuzz corpus and regression input (gcc --coverage -O0).
COV_DIR   := build/cov
COV_FLAGS := -O0 -g --coverage

.PHONY: coverage

coverage:
	@command -v gcovr >/dev/null || { echo "make coverage needs gcovr (apt-get install -y gcovr)"; exit 1; }
	@rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)
	@echo "  CC [cov] conformance, replay_loader, replay_diff"
	@cd $(COV_DIR) && gcc $(CSTD) $(WARN) $(COV_FLAGS) $(addprefix -I../../,$(filter-out -I/usr/include/cjson,$(INC:-I%=%))) -I/usr/include/cjson \
	  $(addprefix ../../,$(CONF_SRC) $(LIB_SRC)) -lcmocka $(LIBS) -o conformance
	@cd $(COV_DIR) && gcc $(CSTD) $(WARN) $(COV_FLAGS) -I../../impl/include -I../../impl/src -I../../harness -I/usr/include/cjson \
	  $(addprefix ../../,impl/fuzz/fuzz_loader.c impl/fuzz/replay.c $(GMH_SRC) $(LIB_SRC)) $(LIBS) -ldl -o replay_loader
	@cd $(COV_DIR) && gcc $(CSTD) $(WARN) $(COV_FLAGS) -I../../impl/include -I../../impl/src -I/usr/include/cjson \
	  $(addprefix ../../,impl/fuzz/fuzz_diff.c impl/fuzz/replay.c $(LIB_SRC)) $(LIBS) -o replay_diff
	@echo "== coverage: conformance suite"
	@$(COV_DIR)/conformance >$(COV_DIR)/conformance.log 2>&1 || { tail -20 $(COV_DIR)/conformance.log; exit 1; }
	@echo "== coverage: fuzz corpora and regressions"
	@$(COV_DIR)/replay_loader impl/fuzz/corpus/loader impl/fuzz/regress/loader
	@$(COV_DIR)/replay_diff impl/fuzz/corpus/diff impl/fuzz/regress/diff
	@gcovr -r . $(COV_DIR) --filter 'impl/src/' --filter 'impl/backends/' --branches --txt $(COV_DIR)/branches.txt
	@gcovr -r . $(COV_DIR) --filter 'impl/src/' --filter 'impl/backends/' --txt $(COV_DIR)/lines.txt
	@echo "== lines" && cat $(COV_DIR)/lines.txt && echo "== branches" && cat $(COV_DIR)/branches.txt
