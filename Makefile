# ward — build, test, install. `make check` runs every test lane this
# machine supports; `make demo` runs the README's main job.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

CXX      ?= g++
CC       ?= gcc
WERROR   ?= -Werror
# -Os, not -O2: measured side by side (docs/performance.md, "Process
# start-up: what the link changed"), a warm `run` and `state` take the same
# time either way once bench/hot-text.ld is generated for the build it
# orders, and the binary is 3.8 MB instead of 6.3, which a start with the
# binary out of the page cache reads back whole (1.5 ms less per cold `run`).
OPT      ?= -Os -g
CPPFLAGS += -Iinclude -D_GNU_SOURCE
# A section per function and per object, so that ward's static link can drop
# what no verb reaches (--gc-sections) and place the hot code together
# (HOT_TEXT). The sanitizer build links dynamically and needs neither.
ifneq ($(SANITIZE),1)
CXXFLAGS += -ffunction-sections -fdata-sections
endif
CXXFLAGS += -std=c++20 $(OPT) -Wall -Wextra $(WERROR) -fPIE -fstack-protector-strong \
            -fstack-clash-protection -MMD -MP
LDFLAGS  += -pie -Wl,-z,relro,-z,now -Wl,--as-needed
LIBS      = -lseccomp -lyajl -lhogweed -lnettle -lgmp -lcrypto -lz -lzstd
# ward itself is one static PIE (ASLR and full RELRO kept): every verb is a
# short-lived process, and the dynamic loader's symbol binding and page
# faults were most of a `ward state` (docs/performance.md). glibc's NSS is
# not used (the owner name comes from /etc/passwd itself, as runc does).
# The keys are Nettle's (hogweed, with GMP) and only libcrypto's SHA-256 is
# linked: OpenSSL's EVP would bring every provider table, relocated at each
# start (docs/architecture.md, "The binary"). The sanitizer builds link
# dynamically.
# What each process start pays for is kept small (docs/performance.md,
# "Process start-up"): relative relocations packed (DT_RELR: 7 KB instead of
# 540 KB of .rela.dyn read at every start), unreferenced sections dropped,
# and the code the everyday verbs run placed first and together by
# bench/hot-text.ld (written by bench/hot-text.sh from a profile), so it is
# mapped by a few page faults. The link map is kept as $(BUILD)/ward.map.
HOT_TEXT     = bench/hot-text.ld
WARD_LDFLAGS = $(filter-out -pie,$(LDFLAGS)) -static-pie -Wl,-z,pack-relative-relocs \
               -Wl,--gc-sections -Wl,-T,$(HOT_TEXT) -Wl,-Map=$(BUILD)/ward.map
WARD_LIBS    = -lseccomp -lyajl_s -lhogweed -lnettle -lgmp -lcrypto -lz -lzstd

ifeq ($(SANITIZE),1)
CXXFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
WARD_LDFLAGS = $(LDFLAGS)
WARD_LIBS    = $(LIBS)
else
CPPFLAGS += -D_FORTIFY_SOURCE=3
endif

LIB_SRCS  := $(filter-out runtime/cli/main.cpp runtime/linux/early_entry.cpp,$(wildcard runtime/*/*.cpp))
LIB_OBJS  := $(LIB_SRCS:%.cpp=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(BUILD)/obj/runtime/cli/main.o
# The static binary's entry point runs before the C library starts
# (runtime/linux/early_entry.cpp): no TLS for a stack protector, no IFUNC
# for a memset the compiler might call. Its object must call nothing.
# x86_64 only (its first instructions are assembly); elsewhere glibc's
# _start stays the entry and main re-executes as before.
ENTRY_OBJ := $(BUILD)/obj/runtime/linux/early_entry.o
$(ENTRY_OBJ): CXXFLAGS += -fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns \
                          -fno-exceptions -fno-asynchronous-unwind-tables
ifeq ($(shell uname -m)$(SANITIZE),x86_64)
WARD_ENTRY       := $(ENTRY_OBJ)
WARD_ENTRY_FLAGS := -Wl,-e,ward_early_entry
endif
UNIT_SRCS := $(wildcard tests/unit/*.cpp)
UNIT_OBJS := $(UNIT_SRCS:%.cpp=$(BUILD)/obj/%.o)
INTEG_SRCS := $(wildcard tests/integration/*.cpp)
INTEG_OBJS := $(INTEG_SRCS:%.cpp=$(BUILD)/obj/%.o)
# The attack lane shares the integration harness (not its tests or main).
ATTACK_SRCS := $(wildcard tests/attacks/*.cpp)
ATTACK_OBJS := $(ATTACK_SRCS:%.cpp=$(BUILD)/obj/%.o)
HARNESS_OBJS := $(filter-out $(BUILD)/obj/tests/integration/main.o \
                  $(BUILD)/obj/tests/integration/test_%.o,$(INTEG_OBJS))
# Fuzz targets: tests/fuzz/NAME_fuzz.cpp, seeds in tests/fuzz/corpus/NAME/.
FUZZ_NAMES   := $(patsubst tests/fuzz/%_fuzz.cpp,%,$(wildcard tests/fuzz/*_fuzz.cpp))
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/%-replay)
TEST_LIBS  = -lboost_unit_test_framework

.PHONY: all tests asan check demo deps install clean format format-check bench fuzz

all: $(BUILD)/ward

tests: $(BUILD)/ward-dynamic $(BUILD)/unit-tests $(BUILD)/integration-tests $(BUILD)/attack-tests $(BUILD)/checker \
       $(BUILD)/escape-probe $(BUILD)/swap-shim.so $(BUILD)/exe-attacker $(FUZZ_REPLAYS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

# Only the version file sees the commit, so a new commit rebuilds one object.
$(BUILD)/obj/runtime/cli/version.o: CPPFLAGS += -DWARD_VERSION=\"$(VERSION)\" -DWARD_COMMIT=\"$(COMMIT)\"
$(BUILD)/obj/runtime/cli/version.o: $(wildcard .git/HEAD .git/refs/heads/*)

$(BUILD)/libward.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The debug info and the symbol table move to $(BUILD)/ward.debug, which
# gdb, perf, valgrind and addr2line find through the binary's
# .gnu_debuglink. A start with the binary out of the page cache reads it
# back by read-around, whole windows of read_ahead_kb (8 MB on this
# project's machine): with the debug info behind the loaded segments that
# was 10 MB read per cold start, now the 3.8 MB file (docs/performance.md,
# "Process start-up: what the link changed"). The sanitizer build keeps it
# inline.
$(BUILD)/ward: $(MAIN_OBJ) $(BUILD)/libward.a $(if $(filter 1,$(SANITIZE)),,$(HOT_TEXT)) $(WARD_ENTRY)
ifeq ($(SANITIZE),1)
	$(CXX) $(WARD_LDFLAGS) -o $@ $(filter-out $(HOT_TEXT),$^) $(WARD_LIBS)
else
ifneq ($(WARD_ENTRY),)
	@if nm -u $(ENTRY_OBJ) | grep -v ' _start$$' | grep -q .; then \
	    echo "$(ENTRY_OBJ) calls something before the C library starts:"; nm -u $(ENTRY_OBJ); exit 1; fi
endif
	$(CXX) $(WARD_LDFLAGS) $(WARD_ENTRY_FLAGS) -o $@.full $(filter-out $(HOT_TEXT),$^) $(WARD_LIBS)
	objcopy --only-keep-debug $@.full $@.debug
	objcopy --strip-all --add-gnu-debuglink=$@.debug $@.full $@
	rm $@.full
endif

$(BUILD)/obj/tests/%.o: CPPFLAGS += -DBOOST_TEST_DYN_LINK -Itests
$(BUILD)/unit-tests: $(UNIT_OBJS) $(BUILD)/libward.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(BUILD)/integration-tests: $(INTEG_OBJS) $(BUILD)/libward.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(BUILD)/attack-tests: $(ATTACK_OBJS) $(HARNESS_OBJS) $(BUILD)/libward.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# The attack lane's racer interposes libc calls with LD_PRELOAD, which the
# static build/ward ignores: the same objects linked dynamically, for it.
$(BUILD)/ward-dynamic: $(MAIN_OBJ) $(BUILD)/libward.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

# The attack lane's racer that always wins, preloaded into ward (tests/attacks/swap_shim.c).
$(BUILD)/swap-shim.so: tests/attacks/swap_shim.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O2 -Wall -Wextra $(WERROR) -o $@ $< -ldl

# The checker runs inside containers built from busybox: static, no libc needed there.
$(BUILD)/checker: tests/checker/checker.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $(WERROR) -o $@ $<

# The attack lane's escape probe runs inside containers the same way.
$(BUILD)/escape-probe: tests/attacks/escape_probe.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $(WERROR) -o $@ $<

# The CVE-2019-5736 attacker the attacks lane copies into its containers
# (tests/attacks/test_self_exe.cpp), static like the checker.
$(BUILD)/exe-attacker: tests/attacks/exe_attacker.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $(WERROR) -o $@ $<

asan:
	$(MAKE) BUILD=build-asan SANITIZE=1 OPT="-O1 -g" build-asan/ward build-asan/unit-tests \
	  $(FUZZ_NAMES:%=build-asan/fuzz/%-replay)

# Each fuzz target linked with a driver that replays its corpus (no
# libFuzzer needed): make check runs them, under ASan when built.
$(BUILD)/fuzz/%-replay: $(BUILD)/obj/tests/fuzz/%_fuzz.o $(BUILD)/obj/tests/fuzz/replay.o $(BUILD)/libward.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

# libFuzzer binaries (clang): `make fuzz`, then e.g.
#   build-fuzz/tar_reader -max_total_time=60 build-fuzz/corpus/tar_reader tests/fuzz/corpus/tar_reader
# The library goes in through an archive, so only the objects a target
# reaches are linked (the parsers need base, json and a few trust files).
# Needs clang and its libFuzzer runtime (Debian: clang, libclang-rt-dev);
# make check does not.
FUZZ_BUILD    := build-fuzz
FUZZ_CXX      ?= clang++
FUZZ_FLAGS    := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
FUZZ_LIB_SRCS := $(filter-out runtime/cli/%,$(wildcard runtime/*/*.cpp))
FUZZ_LIB      := $(FUZZ_BUILD)/libward.a
FUZZ_BINS     := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%)

fuzz: $(FUZZ_BINS)
	@tests/fuzz/run.sh

$(FUZZ_BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(CPPFLAGS) -std=c++20 -O1 -g $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

# The seccomp targets reach the built-in profiles (embedded as in the normal
# build) and Filter::compile; the fuzz build links the empty program table,
# so a built-in profile is compiled by libseccomp when asked for.
FUZZ_GEN_OBJS := $(FUZZ_BUILD)/obj/gen/seccomp_profiles.o $(FUZZ_BUILD)/obj/tools/no-precompiled-profiles.o

$(FUZZ_BUILD)/gen/seccomp_profiles.cpp: $(sort $(wildcard seccomp-profiles/*.json)) scripts/embed-profiles.sh
	@mkdir -p $(dir $@)
	scripts/embed-profiles.sh $(filter %.json,$^) > $@.tmp && mv $@.tmp $@

$(FUZZ_BUILD)/obj/gen/seccomp_profiles.o: $(FUZZ_BUILD)/gen/seccomp_profiles.cpp runtime/seccomp/embedded.hpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(CPPFLAGS) -I. -std=c++20 -O1 -g $(FUZZ_FLAGS) -c $< -o $@

$(FUZZ_BUILD)/obj/tools/%.o: CPPFLAGS += -I.

$(FUZZ_LIB): $(FUZZ_LIB_SRCS:%.cpp=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_GEN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BINS): $(FUZZ_BUILD)/%: $(FUZZ_BUILD)/obj/tests/fuzz/%_fuzz.o $(FUZZ_LIB)
	$(FUZZ_CXX) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)
	@mkdir -p $(FUZZ_BUILD)/corpus/$*

-include $(wildcard $(FUZZ_BUILD)/obj/runtime/*/*.d $(FUZZ_BUILD)/obj/tests/fuzz/*.d)

deps:
	@scripts/deps.sh

# Parallel unless the caller chose: CI has 2 cores and the ASan build is slow.
JOBS ?= $(shell nproc)

check: deps
	$(MAKE) -j$(JOBS) all tests
	$(MAKE) -j$(JOBS) asan
	@tests/run-lanes.sh

demo: deps
	$(MAKE) -j$(JOBS) all
	@scripts/demo.sh

bench: deps
	$(MAKE) -j$(JOBS) all
	@bench/start.sh

install: all
	install -D -m 0755 $(BUILD)/ward $(DESTDIR)$(PREFIX)/sbin/ward
	for policy in contrib/policies/*.json; do \
	  install -D -m 0644 "$$policy" "$(DESTDIR)$(PREFIX)/share/ward/policies/$${policy##*/}"; \
	done
	for page in man/*.8 man/*.5; do \
	  [ -f "$$page" ] || continue; \
	  sec=$${page##*.}; install -D -m 0644 "$$page" "$(DESTDIR)$(PREFIX)/share/man/man$$sec/$${page##*/}"; \
	done

format:
	clang-format -i $(shell git ls-files '*.cpp' '*.hpp' '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $(shell git ls-files '*.cpp' '*.hpp' '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(ENTRY_OBJ:.o=.d) $(UNIT_OBJS:.o=.d) $(INTEG_OBJS:.o=.d) \
         $(ATTACK_OBJS:.o=.d) \
         $(wildcard $(BUILD)/obj/tests/fuzz/*.d) \
         $(BUILD)/obj/tools/precompile-profiles.d $(BUILD)/obj/tools/no-precompiled-profiles.d

# Built-in seccomp profiles: each seccomp-profiles/*.json becomes a raw
# string literal in a generated source (build dir only) linked into
# libward.a, so the runtime needs no profile file at run time.
PROFILE_JSON := $(sort $(wildcard seccomp-profiles/*.json))
PROFILE_SRC  := $(BUILD)/gen/seccomp_profiles.cpp
PROFILE_OBJ  := $(BUILD)/obj/gen/seccomp_profiles.o

$(PROFILE_SRC): $(PROFILE_JSON) scripts/embed-profiles.sh
	@mkdir -p $(dir $@)
	scripts/embed-profiles.sh $(PROFILE_JSON) > $@.tmp && mv $@.tmp $@

$(PROFILE_OBJ): CPPFLAGS += -I.
$(PROFILE_OBJ): $(PROFILE_SRC) runtime/seccomp/embedded.hpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libward.a: $(PROFILE_OBJ)

# The built-in profiles' BPF programs, compiled at build time by this
# build's own Filter::compile (tools/precompile-profiles.cpp, linked with an
# empty program table), so a container filled with a built-in profile loads
# its filter without running libseccomp.
PROGRAMS_SRC := $(BUILD)/gen/seccomp_programs.cpp
PROGRAMS_OBJ := $(BUILD)/obj/gen/seccomp_programs.o
PRECOMPILER  := $(BUILD)/precompile-profiles
PRECOMPILER_OBJS := $(BUILD)/obj/tools/precompile-profiles.o $(BUILD)/obj/tools/no-precompiled-profiles.o

$(BUILD)/obj/tools/%.o: CPPFLAGS += -I.
$(PRECOMPILER): $(PRECOMPILER_OBJS) $(LIB_OBJS) $(PROFILE_OBJ)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

$(PROGRAMS_SRC): $(PRECOMPILER)
	@mkdir -p $(dir $@)
	$(PRECOMPILER) > $@.tmp && mv $@.tmp $@

$(PROGRAMS_OBJ): CPPFLAGS += -I.
$(PROGRAMS_OBJ): $(PROGRAMS_SRC) runtime/seccomp/embedded.hpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libward.a: $(PROGRAMS_OBJ)
