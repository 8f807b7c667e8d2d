# boards/drv/xrt.mk - the build of the `xrt` HAL backend (docs/hal.md, "The xrt backend"),
# included by boards/drv/drv.mk.
#
# On when the target compiler finds XRT's native-API library and its headers are installed
# (Debian's libxrt-dev, in make deps): `$(CC) -print-file-name` answers a bare name when the
# library is not in the compiler's search path, so a cross build (CC=aarch64-linux-gnu-gcc)
# gets the backend only with the arm64 library installed. XRT=0 or XRT=1 forces it.

XRT_INCLUDE ?= /usr/include/xrt
XRT_LIB_FILE := $(shell $(CC) -print-file-name=libxrt_coreutil.so 2>/dev/null)
XRT ?= $(if $(and $(filter /%,$(XRT_LIB_FILE)),$(wildcard $(XRT_INCLUDE)/xrt/xrt_kernel.h)),1,0)

# The XRT-independent half (argument table, control block, options, messages) is in every
# build, so tests/test_hal_xrt.c checks it on any machine.
XRT_LIB_OBJS := $(BUILD)/boards/drv/xrt_map.o

ifeq ($(XRT),1)
XRT_LIB_OBJS += $(BUILD)/boards/drv/hal_xrt.o
# XRT's C headers are not clean under -Wstrict-prototypes: included as system headers, our
# flags stay as they are.
$(BUILD)/boards/drv/hal_xrt.o: CFLAGS += -isystem $(XRT_INCLUDE)
$(BUILD)/host/hal.o: CFLAGS += -DODPU_HAL_WITH_XRT
# A shared library that brings its own C++ runtime, Boost and libuuid as dependencies.
LIBS += -lxrt_coreutil
endif

$(LIB): $(XRT_LIB_OBJS)

-include $(XRT_LIB_OBJS:.o=.d)
