# ---- fuzzing (issue 14): libFuzzer targets, their regression replay, make fuzz ----
# impl/fuzz/fuzz_<target>.c each define LLVMFuzzerTestOneInput; seeds in impl/fuzz/corpus/<target>/,
# minimised findings in impl/fuzz/regress/<target>/.
FUZZ_TARGETS  := loader diff
FUZZ_SECONDS  ?= 30
FUZZ_FLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_LIB_SRC  := $(LIB_SRC)
fuzz_extra_loader := $(GMH_SRC) -Iharness
fuzz_libs_loader  := -ldl

.PHONY: fuzz fuzz-build test-fuzz-regress

build/fuzz/fuzz_%: impl/fuzz/fuzz_%.c $(FUZZ_LIB_SRC) $(HDRS) $(GMH_SRC) harness/gmh.h impl/fuzz/fuzz.mk
	@mkdir -p build/fuzz
	@echo "  CC [fuzz] $(@F)"
	@clang $(CSTD) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(INC) $< $(fuzz_extra_$*) $(FUZZ_LIB_SRC) $(LIBS) $(fuzz_libs_$*) -o $@

build/fuzz/replay_%: impl/fuzz/fuzz_%.c impl/fuzz/replay.c $(FUZZ_LIB_SRC) $(HDRS) $(GMH_SRC) harness/gmh.h impl/fuzz/fuzz.mk
	@mkdir -p build/fuzz
	@echo "  CC [asan] $(@F)"
	@clang $(CSTD) $(WARN) $(FUZZ_FLAGS) $(INC) $< impl/fuzz/replay.c $(fuzz_extra_$*) $(FUZZ_LIB_SRC) $(LIBS) $(fuzz_libs_$*) -o $@

fuzz-build: $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))

# Every target FUZZ_SECONDS seconds, from a scratch copy of its seeds (the committed corpus stays
# as it is); any crash, sanitizer report, leak or divergence fails (artifacts in build/fuzz/).
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  rm -rf build/fuzz/work_$$t && mkdir -p build/fuzz/work_$$t; \
	  ASAN_OPTIONS=detect_leaks=1 build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -print_final_stats=1 -artifact_prefix=build/fuzz/$$t- \
	    build/fuzz/work_$$t impl/fuzz/corpus/$$t impl/fuzz/regress/$$t 2>&1 | \
	    grep -E '^(INFO: (Seed|seed corpus)|#[0-9]+.*DONE|stat::|==|SUMMARY|Done)' || true; \
	  if ls build/fuzz/$$t-* >/dev/null 2>&1; then echo "fuzz $$t: FINDING in build/fuzz/$$t-*"; exit 1; fi; \
	done

test-fuzz-regress: $(addprefix build/fuzz/replay_,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz regressions [$$t, ASan+UBSan]"; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 build/fuzz/replay_$$t impl/fuzz/corpus/$$t impl/fuzz/regress/$$t; \
	done
