# opendpu - top-level build. `make` builds everything that exists, `make test` runs every
# test, `make deps` installs the Debian packages, `make demo` runs the main end-to-end job.
# SANITIZE=1 builds into build-san/ with AddressSanitizer and UBSan.

CC ?= gcc
# The generators run on this machine whatever the target is.
HOST_CC ?= $(CC)
PKG_CONFIG ?= pkg-config

# The cross build for the board's Cortex-A53: make CROSS=aarch64-linux-gnu- (docs/boards.md).
# Debian's cross gcc and the target's multiarch libraries (make deps), into build-<triplet>/,
# without the Verilator backend; `make CROSS=... test` runs the tests that need no device
# under qemu-user (TARGET_RUN) and checks the target makes the same bytes as this machine.
CROSS ?=
TARGET_RUN :=
ifneq ($(CROSS),)
CROSS_TRIPLET := $(patsubst %-,%,$(CROSS))
HOST_CC := cc
CC := $(CROSS)gcc
CXX := $(CROSS)g++
BUILD ?= build-$(CROSS_TRIPLET)
SIM := 0
PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/$(CROSS_TRIPLET)/pkgconfig:/usr/share/pkgconfig pkg-config
TARGET_RUN := qemu-$(firstword $(subst -, ,$(CROSS_TRIPLET))) -L /usr/$(CROSS_TRIPLET)
endif

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS :=
endif

# The gen tree (docs/arch.md, "Generated files"): written by one generator, tools/odpu_gen,
# and read by every build (sanitized or not), Verilator, lint, synthesis, hls/ and boards/.
GEN_DIR ?= build/gen
TOOLS_DIR ?= build/tools

OPT ?= -O2
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -g $(WARN) -I.
CFLAGS := $(BASE_CFLAGS) $(OPT) -I$(BUILD)/gen -I$(GEN_DIR) $(SAN_FLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SAN_FLAGS)
DEPFLAGS = -MMD -MP

YAML_LIBS := $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -pthread)
PROTOBUF_C_LIBS := $(shell $(PKG_CONFIG) --libs libprotobuf-c 2>/dev/null || echo -lprotobuf-c)
LIBS := $(YAML_LIBS) $(PROTOBUF_C_LIBS) -lz -lm

# The library: one folder per layer of the blueprint (docs/architecture.md).
LIB_DIRS := common arch isa emu ref host data quantizer compiler report
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libodpu.a

# The ONNX parser: protobuf-c code generated at build time from the onnx.proto that Debian's
# libonnx-dev ships (never hand-written, never committed). Users include "onnx/onnx.pb-c.h"
# (found through -I$(BUILD)/gen); the generated .c includes its header from its own folder.
ONNX_PROTO := /usr/include/onnx/onnx.proto
ONNX_GEN_DIR := $(BUILD)/gen/onnx
ONNX_GEN_H := $(ONNX_GEN_DIR)/onnx.pb-c.h
ONNX_GEN_C := $(ONNX_GEN_DIR)/onnx.pb-c.c
ONNX_GEN_OBJ := $(ONNX_GEN_DIR)/onnx.pb-c.o
LIB_OBJS += $(ONNX_GEN_OBJ)

CLI_SRCS := $(wildcard cli/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
CLI := $(BUILD)/opendpu

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_UTIL_SRCS := $(filter-out $(TEST_SRCS),$(wildcard tests/*.c))
TEST_UTIL_OBJS := $(TEST_UTIL_SRCS:%.c=$(BUILD)/%.o)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_SCRIPTS := $(wildcard tests/test_*.sh)
# The checker testbench's vector generator (tests/test_rtl_ctrl.sh); the other generators
# in tests/rtl/ are built by their own scripts.
RTL_TEST_TOOLS := $(BUILD)/tests/rtl/gen_check_vectors

ARCH_CONFIGS := $(wildcard arch/*.yaml)
GEN_ISA := $(GEN_DIR)/isa/odpu_isa_codec.h $(GEN_DIR)/isa/odpu_pkg.sv
GEN_ARCH := $(foreach a,$(ARCH_CONFIGS:arch/%.yaml=%),$(addprefix $(GEN_DIR)/$(a)/,odpu_arch_params.h odpu_arch_params.vh kernel.xml))
GEN_FILES := $(GEN_ISA) $(GEN_ARCH)

# The generator is built from the few sources that need no generated file (never sanitized:
# its output is the same for every build).
GEN_TOOL := $(TOOLS_DIR)/odpu_gen
GEN_TOOL_SRCS := tools/odpu_gen.c arch/arch.c arch/archgen.c isa/isagen.c isa/names.c common/err.c \
                 common/file.c common/bytes.c common/text.c
GEN_TOOL_OBJS := $(GEN_TOOL_SRCS:%.c=$(TOOLS_DIR)/obj/%.o)

DEB_PACKAGES := build-essential pkg-config libyaml-dev check verilator yosys \
                libprotobuf-c-dev protobuf-c-compiler libonnx-dev libstb-dev \
                dataset-fashion-mnist zlib1g-dev python3-onnx python3-numpy cppcheck \
                device-tree-compiler xilinx-bootgen libxrt-dev libxrt-utils uuid-dev tcl
# The board's host (CROSS=aarch64-linux-gnu-): the cross compiler, the target's libraries from
# Debian's arm64 multiarch archive, and qemu-user to test it here.
CROSS_ARCH := arm64
DEB_CROSS_PACKAGES := gcc-aarch64-linux-gnu qemu-user libc6-dev:$(CROSS_ARCH) libyaml-dev:$(CROSS_ARCH) \
                      libprotobuf-c-dev:$(CROSS_ARCH) zlib1g-dev:$(CROSS_ARCH) check:$(CROSS_ARCH)

.PHONY: all gen test demo results deps lint lint-c lint-rtl resources clean bench zoo

# Keep test objects: they are intermediate files of a pattern rule, which make would delete.
.SECONDARY:

all: $(CLI) gen $(TEST_BINS) $(RTL_TEST_TOOLS)

$(BUILD)/%.o: %.c | $(GEN_FILES)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(TOOLS_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(BASE_CFLAGS) -O2 $(DEPFLAGS) -c $< -o $@

$(GEN_TOOL): $(GEN_TOOL_OBJS)
	$(HOST_CC) -o $@ $^ -lyaml

# One run writes the whole tree; files whose content did not change keep their time stamps,
# so nothing downstream rebuilds (the rule itself then runs again next time: milliseconds).
$(GEN_FILES) &: $(GEN_TOOL) $(ARCH_CONFIGS)
	$(GEN_TOOL) $(GEN_DIR) $(ARCH_CONFIGS)

# protoc-c writes the header and the source in one run; the source depends on the header so
# make runs it once.
$(ONNX_GEN_H): $(ONNX_PROTO)
	@mkdir -p $(ONNX_GEN_DIR)
	protoc-c --c_out=$(ONNX_GEN_DIR) -I$(dir $(ONNX_PROTO)) $(ONNX_PROTO)
$(ONNX_GEN_C): $(ONNX_GEN_H)
	@test -f $@ || { echo "protoc-c did not write $@"; exit 1; }

# protobuf-c 1.4's output compiles cleanly with our full warning set, so it gets the same
# CFLAGS as our code (no relaxed warnings anywhere).
$(ONNX_GEN_OBJ): $(ONNX_GEN_C) $(ONNX_GEN_H)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

# The FP32 executor's inner loops want vectorizing, which GCC 12 leaves out at -O2 (about 3x
# the images/s of `make bench` for this one file).
$(BUILD)/quantizer/exec_f32.o: CFLAGS += -ftree-vectorize

# The generated header must exist before anything that may include it compiles (a clean
# parallel build would otherwise race): every quantizer/ object waits for it (order-only; the
# .d files then track who really includes it).
$(filter $(BUILD)/quantizer/%,$(LIB_OBJS)): | $(ONNX_GEN_H)

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(CLI): $(CLI_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LIBS)

# The gen tree: instruction codec, RTL package and every arch's parameters, never written by hand.
gen: $(GEN_FILES)

# -lm again at the end: with the sim backend LIBS ends in verilated objects that need it.
$(BUILD)/tests/rtl/%: $(BUILD)/tests/rtl/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS) -lm

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_UTIL_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(TEST_UTIL_OBJS) $(LIB) $(CHECK_LIBS) $(LIBS)

# Every test binary runs even if an earlier one fails; the target fails if any did.
# A cross build runs its test binaries under qemu-user, each in one process (CK_FORK=no: Check's
# forked mode hangs under qemu-user), all but the Verilator ones, which test this machine's
# tools; its one script checks that the target makes the bytes this machine makes.
RUN_TEST_BINS := $(TEST_BINS)
RUN_TEST_SCRIPTS := $(TEST_SCRIPTS)
TEST_ENV :=
ifneq ($(TARGET_RUN),)
RUN_TEST_BINS := $(filter-out $(addprefix $(BUILD)/tests/,test_sim_hal test_sim_ddr test_isagen),$(TEST_BINS))
RUN_TEST_SCRIPTS := tests/cross_bytes.sh
TEST_ENV := CK_FORK=no ODPU_TARGET_RUN="$(TARGET_RUN)" ODPU_HOST_CLI=build/opendpu
endif

test: all
	@fail=0; for t in $(RUN_TEST_BINS) $(RUN_TEST_SCRIPTS); do \
	  echo "== $$t"; \
	  case $$t in *.sh) run=;; *) run="$(TARGET_RUN)";; esac; \
	  $(TEST_ENV) ODPU_BUILD=$(BUILD) ODPU_GEN=$(GEN_DIR) ODPU_CLI=$(CLI) \
	    ODPU_TEST_BACKENDS=$${ODPU_TEST_BACKENDS:-$(TEST_BACKENDS)} \
	    ODPU_TEST_CASES_SIM=$${ODPU_TEST_CASES_SIM-$(SIM_TEST_CASES)} $$run $$t || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "FAILED: some tests failed"; exit 1; fi; \
	echo "all test binaries passed"

# Every bench/bench_NAME.c is one program and every bench/bench_NAME.sh a script over the
# CLI; `make bench` builds and runs them all.
BENCH_SRCS := $(wildcard bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
BENCH_SCRIPTS := $(wildcard bench/bench_*.sh)
bench: $(BENCH_BINS) $(CLI)
	@for b in $(BENCH_BINS) $(BENCH_SCRIPTS); do echo "== $$b"; ODPU_CLI=$(CLI) $$b || exit 1; done

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)
-include $(BENCH_BINS:=.d)

# Retrain and re-export the model zoo (models/README.md); minutes per model, never run by
# `make test` or CI, which use the committed artifacts. ZOO_MODELS=name... picks models.
zoo:
	/usr/bin/python3 models/zoo.py $(ZOO_MODELS)

# The main job: the model table of the zoo (`opendpu bench`): shape, FP32 and INT8 top-1 on the
# full Fashion-MNIST test set, the RTL engine's top-1 and bit-exactness on 100 images, and
# simulated cycles, latency, FPS, GOPS and utilization on the default arch (b4096).
# customnet224 is untrained: speed only.
DEMO_MODELS := mnist_cnn customnet resnet_style mobilenet_style lcrm_parent lcrm customnet224
DEMO_ONNX := $(foreach m,$(DEMO_MODELS),models/$(m)/$(m).onnx)
# The build runs on every core even when `make demo` was typed without -j: on a fresh 2-core
# machine that halves its share of the demo's time.
NPROC := $(shell nproc 2>/dev/null || echo 1)
demo:
	$(MAKE) -j$(NPROC) all
	$(CLI) bench $(DEMO_ONNX)

# docs/results.md: the same table on the board-sized archs, machine-independent (accuracy,
# simulated cycles), with how FPS is derived and how to reproduce each figure.
RESULTS_ARCHS ?= arch/b1024.yaml,arch/b4096.yaml
results:
	$(MAKE) -j$(NPROC) all
	ODPU_CLI=$(CLI) bench/results.sh docs/results.md $(RESULTS_ARCHS) $(DEMO_ONNX)

deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  dpkg --add-architecture $(CROSS_ARCH) && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) $(DEB_CROSS_PACKAGES); \
	else \
	  echo "not root; run: sudo dpkg --add-architecture $(CROSS_ARCH) && sudo apt-get update &&" \
	       "sudo apt-get install -y $(DEB_PACKAGES) $(DEB_CROSS_PACKAGES)"; \
	  exit 1; \
	fi

# C: cppcheck. RTL: Verilator's full lint of the whole engine for every shipped arch (each arch
# is a different elaboration: array shape, buffer depths, AXI width).
# The engine's sources, in compile order, are listed once in rtl/rtl.f; the package comes first.
RTL_SRCS := $(GEN_DIR)/isa/odpu_pkg.sv $(shell sed -e 's,//.*,,' rtl/rtl.f)
RTL_ARCHS := $(ARCH_CONFIGS:arch/%.yaml=%)

lint: lint-c lint-rtl

lint-c:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem -I. -I$(GEN_DIR) $(LIB_DIRS) sim boards cli tests tools

lint-rtl: gen
	@for a in $(RTL_ARCHS); do \
	  echo "== verilator --lint-only -Wall, arch $$a"; \
	  verilator --lint-only -Wall -Irtl -I$(GEN_DIR)/$$a --top-module odpu_top $(RTL_SRCS) || exit 1; \
	done

# FPGA resource estimate (Yosys synth_xilinx for Zynq UltraScale+) of the two board-sized
# configs, written to docs/resources.md.
RESOURCE_ARCHS ?= b1024 b4096
resources: gen
	rtl/synth/resources.sh docs/resources.md $(RESOURCE_ARCHS)

clean:
	rm -rf build build-san

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_BINS:=.d) $(TEST_UTIL_OBJS:.o=.d) $(RTL_TEST_TOOLS:=.d) \
         $(GEN_TOOL_OBJS:.o=.d)

# The sim backend (Verilator): its rules, its objects in libodpu.a, TEST_BACKENDS.
include sim/sim.mk
# The board backends: uio (generic-uio + u-dma-buf) and xrt (XRT's native C API).
include boards/drv/drv.mk
# Board builds: `make board BOARD=kv260|zcu104`, `make board-bit` (docs/boards.md).
include boards/boards.mk
