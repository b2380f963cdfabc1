# python/python.mk: the CPython binding (issue 7). Included from the top Makefile, after LIB_SRC,
# HDRS, CSTD, WARN, OPT, INC, LIBS and PY are defined:   include python/python.mk
#
# The extension compiles the library sources itself with -fPIC (build/gcc/libgraphmem.a is not
# PIC) into one shared object, with the library's symbols hidden so only PyInit__graphmem is
# exported. Output: build/python/graphmem/ (the package: _graphmem<EXT_SUFFIX> + the .py files),
# used through PYTHONPATH=build/python.
PY_INC       = $(shell $(PY)-config --includes)
PY_EXT      := $(shell $(PY) -c "import sysconfig;print(sysconfig.get_config_var('EXT_SUFFIX'))")
PY_PKG      := build/python/graphmem
PY_EXTMOD   := $(PY_PKG)/_graphmem$(PY_EXT)
PY_FILES    := $(wildcard python/graphmem/*.py)
PY_TESTENV  := PYTHONPATH=build/python PYTHONDONTWRITEBYTECODE=1

.PHONY: python test-python test-python-valgrind

python: $(PY_EXTMOD) $(PY_FILES:python/graphmem/%=$(PY_PKG)/%)

$(PY_EXTMOD): python/graphmem/_graphmem.c $(LIB_SRC) $(HDRS) python/python.mk
	@mkdir -p $(PY_PKG)
	@echo "  CC [python] _graphmem$(PY_EXT)"
	@$(CC) $(CSTD) $(WARN) $(OPT) -fPIC -shared -fvisibility=hidden $(INC) $(PY_INC) \
	  python/graphmem/_graphmem.c $(LIB_SRC) $(LIBS) -o $@.tmp
	@if nm -D --undefined-only $@.tmp | grep -w 'gm_[a-z_0-9]*'; then \
	  echo "python: unresolved library symbols above" >&2; rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

$(PY_PKG)/%.py: python/graphmem/%.py
	@mkdir -p $(PY_PKG)
	@cp $< $@

test-python: python
	@echo "== python binding tests [pytest]"
	@$(PY_TESTENV) $(PY) -m pytest -q python/tests

# memcheck of the binding under the whole test suite (PYTHONMALLOC=malloc so every Python block is
# visible to valgrind); GM_TEST_QUICK shortens the 100,000-access loops. Leak checking is off:
# the interpreter keeps many blocks reachable at exit; errors (invalid reads/writes, use of
# uninitialised values) fail the run.
test-python-valgrind: python
	@echo "== python binding tests [valgrind memcheck]"
	@$(PY_TESTENV) PYTHONMALLOC=malloc GM_TEST_QUICK=1 valgrind -q --error-exitcode=1 --leak-check=no \
	  $(PY) -m pytest -q -p no:cacheprovider python/tests
