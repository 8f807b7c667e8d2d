# boards/boards.mk - board builds (docs/boards.md), included by the Makefile.
#   make board BOARD=kv260|zcu104 [ARCH=arch/NAME.yaml] [IP=rtl|hls]
#       everything that needs no Vivado, into build/board/<board>-<arch>/: params.tcl, the
#       device-tree overlay (.dtso, .dtbo), the xclbin, the .bif, the KV260 app folder, and
#       <app>.bit.bin once a bitstream is there; NEXT_STEPS.txt says what remains
#   make board-bit ...   the same, then Vivado in batch mode (boards/tcl/odpu_flow.tcl), then
#       bootgen; fails with a message when vivado is not on PATH
# ARCH defaults to the board's default_arch (boards/<board>/board.yaml).

BOARD ?= kv260
IP ?= rtl
BOARDS := $(patsubst boards/%/board.yaml,%,$(wildcard boards/*/board.yaml))
BOARD_YAML := boards/$(BOARD)/board.yaml
BOARD_DEFAULT_ARCH := $(shell sed -n 's/^default_arch: *\([A-Za-z0-9_.-]*\).*/\1/p' $(BOARD_YAML) 2>/dev/null)
BOARD_ARCH := $(if $(ARCH),$(ARCH),arch/$(BOARD_DEFAULT_ARCH).yaml)
BOARD_OUT ?= build/board/$(BOARD)-$(basename $(notdir $(BOARD_ARCH)))

# The generator (never sanitized, like odpu_gen) and the test's xclbin reader.
BOARD_TOOL := $(TOOLS_DIR)/odpu_board
BOARD_TOOL_SRCS := tools/odpu_board.c boards/board.c boards/boardgen.c boards/xclbin.c arch/arch.c arch/archgen.c \
                   isa/isagen.c isa/names.c common/err.c common/file.c common/bytes.c common/text.c
BOARD_TOOL_OBJS := $(BOARD_TOOL_SRCS:%.c=$(TOOLS_DIR)/obj/%.o)
XCLBIN_READ := $(TOOLS_DIR)/xclbin_read
XCLBIN_READ_OBJS := $(addprefix $(TOOLS_DIR)/obj/,tests/board/xclbin_read.o common/err.o common/file.o)
XRT_LIBS := -lxrt_coreutil

.PHONY: board board-bit

all: $(BOARD_TOOL) $(XCLBIN_READ)

$(BOARD_TOOL): $(BOARD_TOOL_OBJS)
	$(HOST_CC) -o $@ $^ -lyaml

# XRT's C API header includes "xrt.h" from its own folder.
$(TOOLS_DIR)/obj/tests/board/xclbin_read.o: BASE_CFLAGS += -I/usr/include/xrt
$(XCLBIN_READ): $(XCLBIN_READ_OBJS)
	$(HOST_CC) -o $@ $^ $(XRT_LIBS)

board: $(BOARD_TOOL) $(GEN_TOOL)
	@test -f $(BOARD_YAML) || { echo "make board: BOARD=$(BOARD): no $(BOARD_YAML) (boards: $(BOARDS))"; exit 1; }
	@test -f $(BOARD_ARCH) || { echo "make board: ARCH=$(BOARD_ARCH): no such file"; exit 1; }
	@mkdir -p $(dir $(BOARD_OUT))
	$(GEN_TOOL) $(GEN_DIR) $(BOARD_ARCH)
	$(BOARD_TOOL) $(BOARD_YAML) $(BOARD_ARCH) $(IP) $(CURDIR) $(abspath $(GEN_DIR)) $(abspath $(BOARD_OUT))
	boards/package.sh $(BOARD_OUT)

board-bit: board
	@command -v vivado >/dev/null 2>&1 || { \
	  echo "make board-bit: vivado is not on PATH (source <Vivado>/settings64.sh first)."; \
	  echo "Everything that needs no Vivado is built; what remains: $(BOARD_OUT)/NEXT_STEPS.txt"; exit 1; }
	cd $(BOARD_OUT) && vivado -mode batch -nojournal -log vivado.log -source $(CURDIR)/boards/tcl/odpu_flow.tcl \
	  -tclargs params.tcl
	boards/package.sh $(BOARD_OUT)

-include $(BOARD_TOOL_OBJS:.o=.d) $(XCLBIN_READ_OBJS:.o=.d)
